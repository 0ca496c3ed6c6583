// One (run, capture, model) work item: claim the slot, respect provider limits and the run's budget,
// call the model once, store exactly one result.
import { randomUUID } from 'node:crypto';
import { type ModelSpec, resolveModel } from '../config/models.js';
import type { StoredCapture } from '../domain/capture.js';
import { maxCallCost } from '../domain/estimate.js';
import { callTokens, limitFor } from '../domain/limits.js';
import { resultFromCapture, resultFromOutcome, userText } from '../domain/outcome.js';
import type { ReplayResult } from '../domain/result.js';
import { resultWithoutCall } from '../domain/result.js';
import { backoffSeconds } from '../domain/retry.js';
import type { RunRecord } from '../domain/run.js';
import { countChatTokens, loadTokenizer } from '../domain/tokens.js';
import type { WorkItem } from '../schemas/messages.js';
import type { Needs } from './deps.js';
import { type HeldLease, holdLease } from './lease.js';

export type ReplayWorkItemDeps = Needs<
  'runs' | 'results' | 'captures' | 'queue' | 'llm' | 'limiter' | 'clock' | 'log',
  'leaseMs' | 'providerLimits' | 'callTimeoutMs' | 'priceOverrides' | 'segmentTag' | 'maxAttempts' | 'backoffBaseSeconds' | 'backoffMaxSeconds'
>;

import { budgetedLlm } from './budgeted-llm.js';
import { secondOpinion } from './refusal-second-opinion.js';

export type Delivery = { receiveCount: number; receiptHandle: string };

/**
 * stored: a result was written · already_stored: nothing to do · retry: leave the message for later (visibility set)
 * throttled: a provider limit was reached; a delayed copy was queued, so this delivery is done · dropped: run is gone or over
 */
export type WorkOutcome = 'stored' | 'already_stored' | 'retry' | 'throttled' | 'dropped';

/** Stores the result and counts it; `billedUsd` is what this attempt spent (nothing for a captured answer). */
async function finish(
  deps: ReplayWorkItemDeps,
  item: WorkItem,
  claimId: string,
  result: ReplayResult,
  doubleCall: boolean,
  billedUsd = result.cost_usd ?? 0,
): Promise<WorkOutcome> {
  const written = await deps.results.complete(item, claimId, result);
  if (!written) return 'already_stored';
  await deps.runs.recordResult(
    { tenant_id: item.tenant_id, run_id: item.run_id },
    { stored: 1, cost_usd: billedUsd, double_calls: doubleCall ? 1 : 0, skipped: result.status === 'skipped' ? 1 : 0 },
  );
  return 'stored';
}

export async function replayWorkItem(deps: ReplayWorkItemDeps, item: WorkItem, delivery: Delivery): Promise<WorkOutcome> {
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const run = await deps.runs.get(ref);
  if (run?.status !== 'running') return 'dropped';
  const log = { runId: item.run_id, captureId: item.capture_id, model: item.model };

  const capturedBaseline = run.request.baseline === 'captured' && item.model === run.request.baseline_model;
  const model = capturedBaseline ? undefined : resolveModel(item.model);
  const claimId = randomUUID();
  // A provider call will follow unless the answer is the captured one or the model is unknown: the claim itself
  // carries the call-started mark (one write). A crash before the call then errs on the safe side (counted).
  const claim = await deps.results.claim(item, claimId, deps.settings.leaseMs, deps.clock.now(), model !== undefined);
  if (claim.kind === 'stored') return 'already_stored';
  if (claim.kind === 'busy') {
    // Another delivery holds the slot: look again once it has had time to finish, or its lease has run out.
    await deps.queue.delay(delivery.receiptHandle, Math.ceil(Math.min(deps.settings.leaseMs, 10_000) / 1000));
    return 'retry';
  }
  // A previous holder started a call and neither wrote nor released: it crashed after (or during) the provider call,
  // or its call timed out (a call we gave up on may still have been answered and billed).
  const doubleCall = claim.previousCalls > 0;
  if (doubleCall) deps.log.warn('possible double provider call after a crashed or timed-out attempt', log);

  // The lease is renewed while we hold the slot, so it cannot expire under a call in flight. A thrown error (a
  // crash) stops renewing without releasing: the lease then runs out and another delivery takes over.
  const lease = holdLease(deps, item, claimId);
  try {
    return await holdingClaim(deps, { item, run, model, claimId, doubleCall, delivery, lease, capturedBaseline });
  } finally {
    await lease.stop();
  }
}

async function holdingClaim(
  deps: ReplayWorkItemDeps,
  c: {
    item: WorkItem;
    run: RunRecord;
    model: ModelSpec | undefined;
    claimId: string;
    doubleCall: boolean;
    delivery: Delivery;
    lease: HeldLease;
    capturedBaseline: boolean;
  },
): Promise<WorkOutcome> {
  const { item, run, model, claimId, doubleCall, delivery } = c;
  const now = () => new Date(deps.clock.now());
  if (c.capturedBaseline) {
    // The baseline is the captured traffic itself: its answer is the capture's own completion, no provider call.
    const stored = await deps.captures.get(item.tenant_id, item.capture_id);
    const result = stored
      ? resultFromCapture({
          runId: item.run_id,
          baselineModel: item.model,
          capture: stored,
          model: resolveModel(stored.model),
          now: now(),
          priceOverrides: deps.settings.priceOverrides,
        })
      : resultWithoutCall({
          runId: item.run_id,
          captureId: item.capture_id,
          model: item.model,
          status: 'error',
          kind: 'capture_missing',
          attempts: delivery.receiveCount,
          now: now(),
        });
    return finish(
      deps,
      item,
      claimId,
      { ...result, segment: stored?.tags[deps.settings.segmentTag] ?? null, conversation_id: stored?.conversation_id ?? null },
      doubleCall,
      0,
    );
  }
  const capture = model ? await deps.captures.get(item.tenant_id, item.capture_id) : null;
  if (!model || !capture) {
    const kind = model ? 'capture_missing' : 'unknown_model';
    const result = resultWithoutCall({
      runId: item.run_id,
      captureId: item.capture_id,
      model: item.model,
      status: 'error',
      kind,
      attempts: delivery.receiveCount,
      now: now(),
    });
    return finish(deps, item, claimId, result, doubleCall);
  }
  return callModel(deps, { item, run, model, capture, claimId, doubleCall, delivery, lease: c.lease });
}

async function callModel(
  deps: ReplayWorkItemDeps,
  c: {
    item: WorkItem;
    run: RunRecord;
    model: ModelSpec;
    capture: StoredCapture;
    claimId: string;
    doubleCall: boolean;
    delivery: Delivery;
    lease: HeldLease;
  },
): Promise<WorkOutcome> {
  const { item, run, model, capture, claimId, delivery, lease } = c;
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const now = () => new Date(deps.clock.now());
  await loadTokenizer();
  const promptTokens = countChatTokens(capture.messages);

  // The claim carried the call-started mark, so the limit slot is held for the provider call only. A throttled item
  // releases the claim (which clears the mark); a crash in between is counted as a possible double call.
  // Provider limits, shared by every concurrent worker: no capacity → a delayed copy, not a provider attempt.
  const applicable = limitFor(deps.settings.providerLimits, model);
  let release = async () => {};
  if (applicable) {
    const grant = await deps.limiter.acquire(
      applicable.key,
      applicable.limit,
      callTokens(promptTokens, run.request.max_tokens),
      deps.settings.callTimeoutMs + 5_000,
      deps.clock.now(),
    );
    if (!grant.ok) {
      await lease.stop();
      await deps.results.release(item, claimId);
      await deps.queue.enqueue([{ ...item, throttled: (item.throttled ?? 0) + 1 }], Math.max(1, Math.ceil(grant.retryInMs / 1000)));
      return 'throttled';
    }
    release = grant.release;
  }
  try {
    // Budget: reserve the most this call can cost before calling; settle to the actual cost after.
    const budget = run.request.budget_usd;
    const reserve = budget === undefined ? 0 : (maxCallCost(model, promptTokens, run.request.max_tokens, deps.settings.priceOverrides) ?? 0);
    if (budget !== undefined && !(await deps.runs.reserveBudget(ref, reserve, budget))) {
      const skipped = resultWithoutCall({
        runId: item.run_id,
        captureId: item.capture_id,
        model: item.model,
        status: 'skipped',
        kind: 'budget',
        attempts: delivery.receiveCount,
        now: now(),
      });
      return await finish(deps, item, claimId, skipped, c.doubleCall);
    }

    const outcome = await deps.llm.complete({
      model,
      messages: capture.messages,
      maxTokens: run.request.max_tokens,
      trace: { runId: item.run_id, captureId: item.capture_id, purpose: 'replay' },
      timeoutMs: deps.settings.callTimeoutMs,
      guardrails: run.request.guardrails,
      portkeyConfig: run.request.portkey_config,
      signal: lease.signal,
    });
    await release();
    release = async () => {};
    // A call we gave up on (timeout) may still have been answered and billed by the provider: its cost counts as
    // spent (the reservation stays) and the slot keeps its call mark, so a second call is reported, not hidden.
    const maybeBilled = !outcome.ok && outcome.kind === 'timeout';
    if (lease.lost()) {
      // Our lease was taken over (we stalled past it): the new holder stores the result. Look again later, in
      // case it crashes too, rather than dropping the message.
      deps.log.warn('lease lost during the provider call; the result is left to the new holder', {
        runId: item.run_id,
        captureId: item.capture_id,
        model: item.model,
      });
      await deps.queue.delay(delivery.receiptHandle, Math.ceil(deps.settings.leaseMs / 1000));
      return 'retry';
    }

    const result = {
      ...resultFromOutcome({
        runId: item.run_id,
        captureId: item.capture_id,
        prompt: userText(capture.messages),
        model,
        outcome,
        attempts: delivery.receiveCount,
        now: now(),
        priceOverrides: deps.settings.priceOverrides,
      }),
      segment: capture.tags[deps.settings.segmentTag] ?? null,
      conversation_id: capture.conversation_id,
    };
    if (budget !== undefined && !maybeBilled) await deps.runs.settleBudget(ref, (result.cost_usd ?? 0) - reserve);
    if (outcome.ok && run.request.refusal_second_opinion && result.answer) {
      const judge = resolveModel(run.request.judge_model);
      const prompt = userText(capture.messages);
      // Under the run's budget like every judge call; its cost is added to the run's judge spend as it ends.
      const metered = budgetedLlm(deps.llm, { runs: deps.runs, ref, budgetUsd: budget, priceOverrides: deps.settings.priceOverrides, recordJudgeSpend: true });
      const verdict = judge
        ? await secondOpinion(
            metered.llm,
            judge,
            {
              prompt,
              response: result.answer,
              verdict: { refusal: result.refusal, signals: result.refusal_signals, confidence: result.refusal_confidence ?? undefined },
              trace: { runId: item.run_id, captureId: item.capture_id },
            },
            deps.settings.callTimeoutMs,
          )
        : null;
      if (verdict) Object.assign(result, { refusal: verdict.refusal, refusal_signals: verdict.signals, status: verdict.refusal === 'full' ? 'refused' : 'ok' });
    }

    if (!outcome.ok && outcome.retryable && delivery.receiveCount < deps.settings.maxAttempts) {
      await lease.stop();
      await deps.results.release(item, claimId, maybeBilled);
      const seconds = backoffSeconds({
        attempt: delivery.receiveCount,
        retryAfterSeconds: outcome.retryAfterSeconds,
        baseSeconds: deps.settings.backoffBaseSeconds,
        maxSeconds: deps.settings.backoffMaxSeconds,
        random: Math.random,
      });
      await deps.queue.delay(delivery.receiptHandle, seconds);
      deps.log.info('retryable provider failure; message delayed', {
        runId: item.run_id,
        captureId: item.capture_id,
        model: item.model,
        kind: outcome.kind,
        status: outcome.status,
        delaySeconds: seconds,
      });
      return 'retry';
    }
    return await finish(deps, item, claimId, result, c.doubleCall);
  } finally {
    await release();
  }
}
