// The confirmation pass through the local stack: sequential judging settles a clearly good candidate early, the state
// machine then judges that model's remaining answers (ConfirmRecommended) and decides again on the full sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import type { ModelMetrics } from '../../shared/domain/metrics.js';
import { DEFAULT_POLICY, type RecommendationRecord } from '../../shared/domain/recommendation.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 160;
let stack: LocalStack;
let done: Record<string, unknown>;

beforeAll(async () => {
  // A lenient quality threshold and small looks, so the decision for a model ~1% below the baseline settles at once.
  stack = await startTestStack({ settings: { judgeLook: 40, policy: { ...DEFAULT_POLICY, minQualityImpactPercent: -15, maxRefusalIncreasePoints: 100 } } });
  const client = await clientFor(stack, 'confirm');
  expect(await client.captureAll(sampleTraffic({ count: CAPTURES, seed: 5 }))).toMatchObject({ stored: CAPTURES });
  const replay = await client.request('POST', '/v1/replays', {
    baseline_model: 'claude-3.5-sonnet',
    candidate_models: ['claude-3.5-haiku'],
    judge_model: 'gpt-4o',
    captures: { limit: CAPTURES },
  });
  expect(replay.status).toBe(202);
  done = await client.waitForReplay(String(replay.body.run_id), { timeoutMs: 120_000 });
}, 150_000);

afterAll(async () => {
  await stack?.stop();
});

describe('confirmation pass', () => {
  it('judges the recommended model on every answer after its decision settled early, then decides again', () => {
    expect(done.status).toBe('completed');
    const record = done.recommendation as RecommendationRecord;
    expect(record.recommended_model).toBe('claude-3.5-haiku');
    expect(record.judging?.confirmed_model).toBe('claude-3.5-haiku');
    const haiku = (done.metrics as ModelMetrics[]).find((m) => m.model === 'claude-3.5-haiku')!;
    expect(haiku.not_judged).toBe(0);
    expect(haiku.scored + haiku.unscored).toBe(haiku.ok + haiku.refused);
    const alt = record.alternatives.find((a) => a.model === 'claude-3.5-haiku')!;
    expect(alt.sample_size).toBe(Math.min(haiku.scored, (done.metrics as ModelMetrics[]).find((m) => m.is_baseline)!.scored));
  });
});
