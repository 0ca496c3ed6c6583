// "baseline": "captured": the captures' own completions are the baseline answers (a retired or fine-tuned production
// model can be the baseline), priced from their own usage; only the candidates are called.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const FINE_TUNED = 'ft:gpt-4o-mini:acme:v3';
const N = 12;
let stack: LocalStack;
let client: SwitchyardClient;

beforeAll(async () => {
  // The fine-tuned model has a negotiated price; the catalog does not know it.
  stack = await startTestStack({ settings: { priceOverrides: { [FINE_TUNED]: { input_mtok: 0.3, output_mtok: 1.2 } } } });
  client = await clientFor(stack, 'captured');
  const captures = Array.from({ length: N }, (_, i) => ({
    id: `cb-${i}`,
    model: FINE_TUNED,
    messages: [{ role: 'user' as const, content: `Summarise ticket ${i} about a delayed parcel in two sentences.` }],
    completion: `Ticket ${i}: the parcel is delayed at the depot; a new delivery date was sent.`,
    usage: { prompt_tokens: 1000, completion_tokens: 500 },
    latency_ms: 700,
  }));
  expect(await client.captureAll(captures)).toMatchObject({ stored: N });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a captured baseline', () => {
  it('estimates no provider spend for the baseline, but still its judge calls', async () => {
    const dry = await client.request('POST', '/v1/replays', { baseline: 'captured', candidate_models: ['gpt-4o-mini'], dry_run: true });
    expect(dry.status).toBe(200);
    const estimate = dry.body.estimate as {
      calls: number;
      judge_calls: { expected: number };
      per_model: { model: string; usd: { expected: number } | null }[];
    };
    expect(dry.body.baseline_model).toBe(FINE_TUNED);
    expect(estimate.calls).toBe(N);
    // A rubric verdict on both models' answers, and the candidate against the baseline in both orders (pairwise).
    expect(estimate.judge_calls.expected).toBe(2 * N + 2 * N);
    expect(estimate.per_model.find((m) => m.model === FINE_TUNED)?.usd?.expected).toBe(0);
  });

  it('uses the captured completions as the baseline answers, calls only the candidates, and says so in the record', async () => {
    const before = stack.simulator!.stats.calls[FINE_TUNED] ?? 0;
    const started = await client.request('POST', '/v1/replays', { baseline: 'captured', candidate_models: ['gpt-4o-mini'], judge_model: 'gpt-4o' });
    expect(started.status).toBe(202);
    const runId = String(started.body.run_id);
    const done = await client.waitForReplay(runId, { timeoutMs: 60_000 });
    expect(done.status).toBe('completed');
    expect(stack.simulator!.stats.calls[FINE_TUNED] ?? 0).toBe(before);

    const baseline = await stack.deps.results.get(runId, FINE_TUNED, 'cb-3');
    expect(baseline).toMatchObject({ status: 'ok', attempts: 0, answer: 'Ticket 3: the parcel is delayed at the depot; a new delivery date was sent.' });
    // 1000 × $0.30/M + 500 × $1.20/M
    expect(baseline!.cost_usd).toBeCloseTo(0.0009, 10);
    expect(typeof baseline!.quality).toBe('number');

    const record = done.recommendation as {
      baseline_model: string;
      baseline_source: string;
      alternatives: { model: string; projected_cost_saving_percent: number | null }[];
    };
    expect(record).toMatchObject({ baseline_model: FINE_TUNED, baseline_source: 'captured' });
    expect(record.alternatives.map((a) => a.model)).toEqual(['gpt-4o-mini']);
    expect(record.alternatives[0]!.projected_cost_saving_percent).not.toBeNull();
    // The run's spend is what this replay cost: the candidate's calls, not the captured traffic.
    const candidateSpend = (done.metrics as { model: string; cost_usd_total: number }[]).find((m) => m.model === 'gpt-4o-mini')!.cost_usd_total;
    expect(done.spend_usd as number).toBeCloseTo(candidateSpend, 10);
  }, 90_000);

  it("takes only the baseline model's own captures, and refuses a candidate that is the captured baseline", async () => {
    expect(
      await client.captureAll([{ id: 'other-1', model: 'gpt-4o', messages: [{ role: 'user', content: 'A different model.' }], completion: 'x' }]),
    ).toMatchObject({ stored: 1 });
    const dry = await client.request('POST', '/v1/replays', {
      baseline: 'captured',
      baseline_model: FINE_TUNED,
      candidate_models: ['gpt-4o-mini'],
      dry_run: true,
    });
    expect(dry.body.captures).toBe(N);
    const same = await client.request('POST', '/v1/replays', { baseline: 'captured', baseline_model: FINE_TUNED, candidate_models: [FINE_TUNED] });
    expect(same.status).toBe(400);
    expect(same.body.field).toBe('candidate_models.0');
  });

  it('still rejects an unknown baseline model when the baseline is replayed', async () => {
    const answer = await client.request('POST', '/v1/replays', { candidate_models: ['gpt-4o-mini'] });
    expect(answer.status).toBe(422);
    expect(answer.body.field).toBe('baseline_model');
  });
});
