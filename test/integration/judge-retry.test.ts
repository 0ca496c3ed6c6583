// ScoreQuality against the local emulators and the simulator: a judge call that fails for a passing reason fails the
// step (the state machine retries it) instead of leaving the answer 'unscored' for good, so the record does not
// depend on how busy the machine was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack.js';
import { resultWithoutCall } from '../../shared/domain/result.js';
import { newRunRecord } from '../../shared/domain/run.js';
import type { LlmGateway } from '../../shared/ports/index.js';
import { ScoringStepSchema } from '../../shared/schemas/messages.js';
import { JudgeUnavailableError, type ScoreQualityDeps, scoreQuality } from '../../shared/use-cases/aggregate/score-quality.js';
import { startTestStack } from '../helpers/stack.js';

const TENANT = 'judge-retry';
const RUN = 'run-judge-retry';
const MODELS = ['gpt-4o-mini', 'gpt-3.5-turbo'];
let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ workerConcurrency: 0 });
  await stack.deps.captures.put(TENANT, {
    id: 'j1',
    model: MODELS[0]!,
    messages: [{ role: 'user', content: 'Explain what a lease is in one sentence.' }],
    completion: 'A lease is a time-bound claim.',
    usage: null,
    latency_ms: null,
    tags: {},
    conversation_id: null,
    user: null,
    metadata: {},
    captured_at: new Date().toISOString(),
  });
  await stack.deps.runs.create(
    newRunRecord({
      tenantId: TENANT,
      runId: RUN,
      request: {
        candidate_models: MODELS,
        baseline_model: MODELS[0]!,
        baseline: 'replayed',
        judge_model: 'gpt-4o',
        captures: { limit: 1 },
        deadline_minutes: 10,
        max_tokens: 256,
        dry_run: false,
        refusal_second_opinion: false,
      },
      models: MODELS,
      captures: 1,
      now: Date.now(),
      simulated: true,
      traffic: null,
    }),
  );
  for (const model of MODELS) {
    const item = { v: 1 as const, tenant_id: TENANT, run_id: RUN, capture_id: 'j1', model };
    const base = resultWithoutCall({ runId: RUN, captureId: 'j1', model, status: 'error', kind: 'x', attempts: 1, now: new Date() });
    await stack.deps.results.storeIfAbsent(item, { ...base, status: 'ok', error_kind: null, answer: `A lease is a claim that expires (${model}).` });
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('ScoreQuality under judge failures', () => {
  it('fails the step on a judge timeout, stores nothing as unscored, and scores every answer when retried', async () => {
    let judgeDown = true;
    const flaky: LlmGateway = {
      async complete(request) {
        if (judgeDown) return { ok: false, kind: 'timeout', retryable: true, status: null, retryAfterSeconds: null, latencyMs: 1, guardrailChecks: [] };
        return stack.deps.llm.complete(request);
      },
    };
    const deps: ScoreQualityDeps = { ...stack.deps, llm: flaky, settings: { ...stack.deps.settings, judgeConcurrency: 1 } };
    const step = ScoringStepSchema.parse({ tenant_id: TENANT, run_id: RUN });

    await expect(scoreQuality(deps, step)).rejects.toBeInstanceOf(JudgeUnavailableError);
    for (const model of MODELS) expect((await stack.deps.results.get(RUN, model, 'j1'))?.judge_status).not.toBe('unscored');

    // The judge is back; the state machine's Retry runs the same step again.
    judgeDown = false;
    const next = await scoreQuality(deps, step);
    expect(next.finished).toBe(true);
    for (const model of MODELS) expect((await stack.deps.results.get(RUN, model, 'j1'))?.judge_status).toBe('scored');
  });
});
