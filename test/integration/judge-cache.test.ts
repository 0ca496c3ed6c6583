// The judge reply cache through the local stack (dynalite): a second run over the same captures and models meets the
// same answers again (the simulator answers deterministically per prompt and model) and reads their verdicts instead
// of paying for them twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import { judgeCacheKey } from '../../shared/use-cases/cached-judge-llm.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 8;
const REQUEST = { baseline_model: 'gpt-4o-mini', candidate_models: ['claude-3.5-haiku'], judge_model: 'gpt-4o', captures: { limit: CAPTURES } };
let stack: LocalStack;
const judgeCalls: number[] = [0, 0];
let phase = 0;
const runs: Record<string, unknown>[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    settings: { sequentialJudging: false, confirmRecommended: false },
    wrapLlm: (llm) => ({
      async complete(request) {
        if (request.trace.purpose === 'judge') judgeCalls[phase]!++;
        return llm.complete(request);
      },
    }),
  });
  const client = await clientFor(stack, 'judge-cache');
  expect(await client.captureAll(sampleTraffic({ count: CAPTURES, seed: 3 }))).toMatchObject({ stored: CAPTURES });
  for (phase = 0; phase < 2; phase++) {
    const replay = await client.request('POST', '/v1/replays', REQUEST);
    expect(replay.status).toBe(202);
    runs.push(await client.waitForReplay(String(replay.body.run_id), { timeoutMs: 120_000 }));
  }
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('judge reply cache', () => {
  it('does not pay twice for identical answers on a re-run, and reaches the same record', () => {
    expect(judgeCalls[0]).toBeGreaterThan(0);
    expect(judgeCalls[1]).toBeLessThan(judgeCalls[0]!);
    const [first, second] = runs as { judge_spend_usd: number; recommendation: { recommended_model: string | null; quality_impact_percent: number | null } }[];
    expect(second!.judge_spend_usd).toBeLessThan(first!.judge_spend_usd);
    expect(second!.recommendation.recommended_model).toBe(first!.recommendation.recommended_model);
    expect(second!.recommendation.quality_impact_percent).toBe(first!.recommendation.quality_impact_percent);
  });

  it('keys a reply by judge model and the whole prompt', () => {
    const base = {
      messages: [{ role: 'user' as const, content: 'x' }],
      maxTokens: 200,
      trace: { runId: 'r', captureId: 'c', purpose: 'judge' as const },
      timeoutMs: 1,
    };
    const gpt4o = { id: 'gpt-4o', provider: 'openai', apiModel: 'gpt-4o', price: null, wire: 'openai' as const };
    const k = judgeCacheKey({ ...base, model: gpt4o });
    expect(judgeCacheKey({ ...base, model: gpt4o })).toBe(k);
    expect(judgeCacheKey({ ...base, model: { ...gpt4o, id: 'gpt-4o-mini', apiModel: 'gpt-4o-mini' } })).not.toBe(k);
    expect(judgeCacheKey({ ...base, model: gpt4o, messages: [{ role: 'user', content: 'y' }] })).not.toBe(k);
  });
});
