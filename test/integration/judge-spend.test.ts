// What judging costs, through the local stack: the default (gpt-4o-mini judges, the run's judge only for replies it
// cannot parse, pairwise verdicts on a sample) against the strong judge alone, on the same captures. Under the
// simulator's judge model (a cheap judge is noisier, not biased) the decision must be the same and the judge spend
// lower; the record must say what was judged (pairwise sample sizes, the cascade's counts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import type { RecommendationRecord } from '../../shared/domain/recommendation.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 80;
const PAIRWISE_SAMPLE = 20;
const REQUEST = {
  baseline_model: 'claude-3.5-sonnet',
  candidate_models: ['claude-3.5-haiku', 'gpt-3.5-turbo', 'mistral-large'],
  judge_model: 'gpt-4o',
  captures: { limit: CAPTURES },
};
let stack: LocalStack;
const judgeCalls: Record<string, number> = {};
const runs: Record<'strong' | 'default', { done: Record<string, unknown>; calls: Record<string, number> }> = {} as never;

beforeAll(async () => {
  stack = await startTestStack({
    // Looks of 20 so sequential judging runs several looks; replies are not cached, so each run pays for its own.
    settings: { judgeLook: 20, pairwiseSample: PAIRWISE_SAMPLE, cacheJudgeReplies: false },
    wrapLlm: (llm) => ({
      async complete(request) {
        if (request.trace.purpose === 'judge') judgeCalls[request.model.id] = (judgeCalls[request.model.id] ?? 0) + 1;
        return llm.complete(request);
      },
    }),
  });
  const client = await clientFor(stack, 'spend');
  expect(await client.captureAll(sampleTraffic({ count: CAPTURES, seed: 5 }))).toMatchObject({ stored: CAPTURES });
  for (const [name, extra] of [
    ['strong', { judge_cascade: null }],
    ['default', {}],
  ] as const) {
    const before = { ...judgeCalls };
    const replay = await client.request('POST', '/v1/replays', { ...REQUEST, ...extra });
    expect(replay.status).toBe(202);
    const done = await client.waitForReplay(String(replay.body.run_id), { timeoutMs: 240_000 });
    const calls = Object.fromEntries(Object.entries(judgeCalls).map(([m, n]) => [m, n - (before[m] ?? 0)]));
    runs[name] = { done, calls };
  }
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

const recordOf = (name: 'strong' | 'default') => runs[name].done.recommendation as RecommendationRecord;

describe('judge spend: the default judging against the strong judge alone', () => {
  it('reaches the same decision: the same recommended model, and the same verdict on every candidate', () => {
    const [strong, cheap] = [recordOf('strong'), recordOf('default')];
    expect(runs.default.done.status).toBe(runs.strong.done.status);
    expect(cheap.recommended_model).toBe(strong.recommended_model);
    const verdicts = (r: RecommendationRecord) => Object.fromEntries(r.alternatives.map((a) => [a.model, a.qualifies]));
    expect(verdicts(cheap)).toEqual(verdicts(strong));
  });

  it('asks the strong judge only where the cheap judge gave no usable reply, and spends less on judging', () => {
    expect(runs.strong.calls['gpt-4o-mini'] ?? 0).toBe(0);
    expect(runs.strong.calls['gpt-4o']).toBeGreaterThan(0);
    const cascade = recordOf('default').judge_cascade!;
    // margin 0: a capture goes to the strong judge only when a cheap score is missing (the simulator always answers)
    expect(runs.default.calls['gpt-4o'] ?? 0).toBe(cascade.rubric_escalated + 2 * cascade.pairwise_escalated);
    expect(cascade.rubric_escalated).toBeLessThan(cascade.rubric_cheap / 10);
    expect(runs.default.calls['gpt-4o-mini']).toBeGreaterThan(0);
    const [strong, cheap] = [recordOf('strong').evaluation_spend!, recordOf('default').evaluation_spend!];
    expect(cheap.replay_usd).toBeCloseTo(strong.replay_usd, 6);
    expect(cheap.judge_usd).toBeLessThan(strong.judge_usd / 4);
  });

  it('says in the record what was judged and by whom', () => {
    const cascade = recordOf('default').judge_cascade!;
    expect(cascade).toMatchObject({ cheap_model: 'gpt-4o-mini', strong_model: 'gpt-4o', margin: 0, escalate_pairwise: false, pairwise_escalated: 0 });
    expect(cascade.rubric_cheap).toBeGreaterThan(0);
    expect(recordOf('strong').judge_cascade).toBeNull();
    for (const name of ['strong', 'default'] as const)
      for (const alt of recordOf(name).alternatives.filter((a) => a.pairwise)) {
        // Pairwise verdicts on each candidate's first looks only (whole looks of 20), the rubric on every judged prompt.
        expect(alt.pairwise!.n).toBeLessThanOrEqual(PAIRWISE_SAMPLE);
        expect(alt.sample_size).toBeGreaterThanOrEqual(alt.pairwise!.n);
      }
    expect(recordOf('default').alternatives.some((a) => a.sample_size > PAIRWISE_SAMPLE)).toBe(true);
  });
});
