// A hard budget through the local stack: budget_usd bounds provider calls AND every judge call (rubric, pairwise in
// both orders, refusal second opinions, the confirmation pass). Judge-heavy settings: an expensive judge, pairwise on,
// second opinions on, no sequential stopping, so judging alone would cost several times the cap.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import type { ReplayEstimate } from '../../shared/domain/estimate.js';
import type { RecommendationRecord } from '../../shared/domain/recommendation.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 30;
const REQUEST = {
  baseline_model: 'gpt-4o-mini',
  candidate_models: ['gpt-3.5-turbo', 'llama-3.3-70b'],
  judge_model: 'gpt-4',
  // the expensive judge on every verdict: no cheap judge first
  judge_cascade: null,
  refusal_second_opinion: true,
  captures: { limit: CAPTURES },
};
let stack: LocalStack;
let estimate: ReplayEstimate;
let budget: number;
let done: Record<string, unknown>;
let judgeCalls = 0;

beforeAll(async () => {
  stack = await startTestStack({
    settings: { sequentialJudging: false, pairwiseJudging: true, confirmRecommended: false },
    wrapLlm: (llm) => ({
      async complete(request) {
        if (request.trace.purpose === 'judge') judgeCalls++;
        return llm.complete(request);
      },
    }),
  });
  const client = await clientFor(stack, 'budget');
  expect(await client.captureAll(sampleTraffic({ count: CAPTURES, seed: 11 }))).toMatchObject({ stored: CAPTURES });
  const dry = await client.request('POST', '/v1/replays', { ...REQUEST, dry_run: true });
  expect(dry.status).toBe(200);
  estimate = dry.body.estimate as ReplayEstimate;
  // Room for every replay (at their most) and about a fifth of the judging the run would do.
  budget = Number((estimate.provider_usd.high * 1.5 + (estimate.judge_usd?.expected ?? 0) * 0.2).toFixed(4));
  const replay = await client.request('POST', '/v1/replays', { ...REQUEST, budget_usd: budget });
  expect(replay.status).toBe(202);
  done = await client.waitForReplay(String(replay.body.run_id), { timeoutMs: 150_000 });
}, 200_000);

afterAll(async () => {
  await stack?.stop();
});

describe('hard budget', () => {
  it('itemises every judge call in the dry-run estimate', () => {
    const items = estimate.judge_items;
    // 3 models × 30 answers judged on the rubric; 2 candidates × 30 × both orders pairwise; second opinions possible.
    expect(items.rubric.calls.expected).toBe(3 * CAPTURES);
    expect(items.pairwise.calls.expected).toBe(2 * 2 * CAPTURES);
    expect(items.second_opinion.calls.high).toBe(3 * CAPTURES);
    expect(estimate.judge_calls.expected).toBeCloseTo(items.rubric.calls.expected + items.pairwise.calls.expected + items.second_opinion.calls.expected, 5);
    // Judging is what the cap has to stop: its estimate alone is well over the budget.
    expect(estimate.judge_usd!.expected).toBeGreaterThan(budget * 2);
  });

  it('keeps provider plus judge spend within budget_usd and says the budget was reached', () => {
    const spend = done.spend as { provider_usd: number; judge_usd: number; total_usd: number };
    expect(spend.judge_usd).toBeGreaterThan(0);
    expect(spend.provider_usd).toBeGreaterThan(0);
    expect(spend.total_usd).toBeCloseTo(spend.provider_usd + spend.judge_usd, 6);
    expect(spend.total_usd).toBeLessThanOrEqual(budget);
    expect(done.budget_reached).toBe(true);
    expect(done.status).toBe('partial');
    expect((done.reasons as string[]).some((r) => r.startsWith('budget:'))).toBe(true);
    // Fewer judge calls were made than the run would make without a cap.
    expect(judgeCalls).toBeGreaterThan(0);
    expect(judgeCalls).toBeLessThan(estimate.judge_calls.expected);
  });

  it('writes the budget block into the recommendation record', () => {
    const record = done.recommendation as RecommendationRecord;
    expect(record.budget).toMatchObject({ budget_usd: budget, reached: true });
    expect(record.budget!.total_usd).toBeLessThanOrEqual(budget);
  });
});
