// One (run, capture, model) work item: claim the slot, call the model once, store exactly one result.
import { randomUUID } from 'node:crypto';
import { resolveModel } from '../config/models.js';
import { backoffSeconds } from '../domain/retry.js';
import { resultFromOutcome, resultWithoutCall } from '../domain/result.js';
import type { WorkItem } from '../schemas/messages.js';
import type { ReplayResult } from '../ports/index.js';
import type { Deps } from './deps.js';

export type Delivery = { receiveCount: number; receiptHandle: string };

/** stored: a result was written · already_stored: nothing to do · retry: leave the message for later · dropped: run is gone or over */
export type WorkOutcome = 'stored' | 'already_stored' | 'retry' | 'dropped';

async function finish(deps: Deps, item: WorkItem, claimId: string, result: ReplayResult, doubleCall: boolean): Promise<WorkOutcome> {
  const written = await deps.results.complete(item, claimId, result);
  if (!written) return 'already_stored';
  await deps.runs.recordResult(
    { tenant_id: item.tenant_id, run_id: item.run_id },
    { stored: 1, cost_usd: result.cost_usd ?? 0, double_calls: doubleCall ? 1 : 0 },
  );
  return 'stored';
}

export async function replayWorkItem(deps: Deps, item: WorkItem, delivery: Delivery): Promise<WorkOutcome> {
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const run = await deps.runs.get(ref);
  if (!run || run.status !== 'running') return 'dropped';
  const log = { runId: item.run_id, captureId: item.capture_id, model: item.model };

  const claimId = randomUUID();
  const claim = await deps.results.claim(item, claimId, deps.settings.leaseMs, deps.clock.now());
  if (claim.kind === 'stored') return 'already_stored';
  if (claim.kind === 'busy') {
    await deps.queue.delay(delivery.receiptHandle, Math.ceil(deps.settings.leaseMs / 1000));
    return 'retry';
  }
  // A previous holder started a call and never wrote nor released: it crashed after (or during) the provider call.
  const doubleCall = claim.previousCalls > 0;
  if (doubleCall) deps.log.warn('possible double provider call after a crashed attempt', log);

  const now = () => new Date(deps.clock.now());
  const model = resolveModel(item.model);
  const capture = model ? await deps.captures.get(item.tenant_id, item.capture_id) : null;
  if (!model || !capture) {
    const kind = model ? 'capture_missing' : 'unknown_model';
    const result = resultWithoutCall({ runId: item.run_id, captureId: item.capture_id, model: item.model, status: 'error', kind, attempts: delivery.receiveCount, now: now() });
    return finish(deps, item, claimId, result, doubleCall);
  }

  await deps.results.markCallStarted(item, claimId);
  const outcome = await deps.llm.complete({
    model,
    messages: capture.messages,
    maxTokens: run.request.max_tokens,
    trace: { runId: item.run_id, captureId: item.capture_id, purpose: 'replay' },
    timeoutMs: deps.settings.callTimeoutMs,
  });

  if (!outcome.ok && outcome.retryable && delivery.receiveCount < deps.settings.maxAttempts) {
    await deps.results.release(item, claimId);
    const seconds = backoffSeconds({
      attempt: delivery.receiveCount,
      retryAfterSeconds: outcome.retryAfterSeconds,
      baseSeconds: deps.settings.backoffBaseSeconds,
      maxSeconds: deps.settings.backoffMaxSeconds,
      random: Math.random,
    });
    await deps.queue.delay(delivery.receiptHandle, seconds);
    deps.log.info('retryable provider failure; message delayed', { ...log, kind: outcome.kind, status: outcome.status, delaySeconds: seconds });
    return 'retry';
  }
  const result = resultFromOutcome({
    runId: item.run_id,
    captureId: item.capture_id,
    model,
    outcome,
    attempts: delivery.receiveCount,
    now: now(),
    priceOverrides: deps.settings.priceOverrides,
  });
  return finish(deps, item, claimId, result, doubleCall);
}
