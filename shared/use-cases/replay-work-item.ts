// One (run, capture, model) work item: claim the slot, respect provider limits and the run's budget,
// call the model once, store exactly one result.
import { randomUUID } from 'node:crypto';
import { type ModelSpec, resolveModel } from '../config/models.js';
import type { StoredCapture } from '../domain/capture.js';
import { maxCallCost } from '../domain/estimate.js';
import { callTokens, limitFor } from '../domain/limits.js';
import { resultFromCapture, resultFromOutcome, userText } from '../domain/outcome.js';
import type { ReplayResult } from '../domain/result.js';
import { countsOf, resultWithoutCall } from '../domain/result.js';
import { backoffSeconds } from '../domain/retry.js';
import type { RunRecord } from '../domain/run.js';
import { countChatTokens, loadTokenizer } from '../domain/tokens.js';
import type { RunRef, WorkItem } from '../schemas/messages.js';
import type { Needs } from './deps.js';
import { type HeldLease, holdLease } from './lease.js';
import { type RunTally, writeThrough } from './run-tally.js';

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

/** Stores the result and counts it (the tally writes the counts, at once or at the end of the batch). */
async function finish(
  deps: ReplayWorkItemDeps,
  tally: RunTally,
  item: WorkItem,
  claimId: string,
  result: ReplayResult,
  doubleCall: boolean,
): Promise<WorkOutcome> {
  const written = await deps.results.complete(item, claimId, result);
  if (!written) return 'already_stored';
  await tally.count({ tenant_id: item.tenant_id, run_id: item.run_id }, countsOf(result, doubleCall ? 2 : 1));
  return 'stored';
}

/** A provider limit slot taken for this item's call; `release` may be called more than once. */
type Slot = { release: () => Promise<void> };
const NO_SLOT: Slot = { release: async () => {} };

/**
 * Replays one work item. `tally` writes the run's counters: at once by default; the worker passes one per SQS batch
 * that writes them at the end of the batch (shared/use-cases/run-tally.ts).
 */
export async function replayWorkItem(
  deps: ReplayWorkItemDeps,
  item: WorkItem,
  delivery: Delivery,
  tally: RunTally = writeThrough(deps.runs),
): Promise<WorkOutcome> {
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const run = await deps.runs.get(ref);
  if (run?.status !== 'running') return 'dropped';
  const log = { runId: item.run_id, captureId: item.capture_id, model: item.model };

  const capturedBaseline = run.request.baseline === 'captured' && item.model === run.request.baseline_model;
  const model = capturedBaseline ? undefined : resolveModel(item.model);
  // Read per container once (a stored capture never changes): a provider call needs its prompt to take a limit slot.
  const capture = capturedBaseline || model ? await deps.captures.get(item.tenant_id, item.capture_id) : null;
  const calling = model !== undefined && capture !== null ? { model, capture, promptTokens: await promptTokensOf(capture) } : null;

  // Provider limits come before the claim: a throttled item goes back to the queue (a delayed copy) without writing
  // to its result slot. An item found stored or busy after taking a slot gives the slot straight back.
  let slot = NO_SLOT;
  if (calling) {
    const taken = await takeLimitSlot(deps, run, calling.model, calling.promptTokens);
    if (!taken.ok) {
      await deps.queue.enqueue([{ ...item, throttled: (item.throttled ?? 0) + 1 }], Math.max(1, Math.ceil(taken.retryInMs / 1000)));
      return 'throttled';
    }
    slot = taken;
  }
  try {
    const claimId = randomUUID();
    // With a provider call to follow, the claim itself carries the call-started mark (one write). A crash before the
    // call then errs on the safe side (counted).
    const claim = await deps.results.claim(item, claimId, deps.settings.leaseMs, deps.clock.now(), calling !== null);
    if (claim.kind === 'stored') return 'already_stored';
    if (claim.kind === 'busy') {
      // Another delivery holds the slot: look again once it has had time to finish, or its lease has run out.
      await slot.release();
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
      const held = { item, run, claimId, doubleCall, delivery, lease, tally };
      if (calling) return await callModel(deps, { ...held, ...calling, slot });
      return await withoutCall(deps, { ...held, capture, capturedBaseline });
    } finally {
      await lease.stop();
    }
  } finally {
    await slot.release();
  }
}

async function promptTokensOf(capture: StoredCapture): Promise<number> {
  await loadTokenizer();
  return countChatTokens(capture.messages);
}

/** A slot under the provider's limits, shared by every concurrent worker; none needed when no limit applies. */
async function takeLimitSlot(
  deps: ReplayWorkItemDeps,
  run: RunRecord,
  model: ModelSpec,
  promptTokens: number,
): Promise<{ ok: true; release: () => Promise<void> } | { ok: false; retryInMs: number }> {
  const applicable = limitFor(deps.settings.providerLimits, model);
  if (!applicable) return { ok: true, release: NO_SLOT.release };
  return deps.limiter.acquire(
    applicable.key,
    applicable.limit,
    callTokens(promptTokens, run.request.max_tokens),
    deps.settings.callTimeoutMs + 5_000,
    deps.clock.now(),
  );
}

/**
 * Reserves `usd` of the run's budget. Settlements of this batch not yet written keep the reservation above the real
 * spend, so they are written before the budget is called spent.
 */
async function reserveBudget(deps: ReplayWorkItemDeps, tally: RunTally, ref: RunRef, usd: number, budget: number): Promise<boolean> {
  if (await deps.runs.reserveBudget(ref, usd, budget)) return true;
  return (await tally.flush(ref)) && (await deps.runs.reserveBudget(ref, usd, budget));
}

type Held = { item: WorkItem; run: RunRecord; claimId: string; doubleCall: boolean; delivery: Delivery; lease: HeldLease; tally: RunTally };

/** The captured baseline's own answer, or an error result (unknown model, capture gone): no provider call. */
async function withoutCall(deps: ReplayWorkItemDeps, c: Held & { capture: StoredCapture | null; capturedBaseline: boolean }): Promise<WorkOutcome> {
  const { item, claimId, doubleCall, delivery, capture } = c;
  const now = new Date(deps.clock.now());
  if (c.capturedBaseline && capture) {
    // The baseline is the captured traffic itself: its answer is the capture's own completion, no provider call.
    const result = resultFromCapture({
      runId: item.run_id,
      baselineModel: item.model,
      capture,
      model: resolveModel(capture.model),
      now,
      priceOverrides: deps.settings.priceOverrides,
    });
    return finish(
      deps,
      c.tally,
      item,
      claimId,
      { ...result, segment: capture.tags[deps.settings.segmentTag] ?? null, conversation_id: capture.conversation_id },
      doubleCall,
    );
  }
  const kind = c.capturedBaseline || resolveModel(item.model) ? 'capture_missing' : 'unknown_model';
  const result = resultWithoutCall({
    runId: item.run_id,
    captureId: item.capture_id,
    model: item.model,
    status: 'error',
    kind,
    attempts: delivery.receiveCount,
    now,
  });
  return finish(deps, c.tally, item, claimId, c.capturedBaseline ? { ...result, segment: null, conversation_id: null } : result, doubleCall);
}

async function callModel(
  deps: ReplayWorkItemDeps,
  c: Held & { model: ModelSpec; capture: StoredCapture; promptTokens: number; slot: Slot },
): Promise<WorkOutcome> {
  const { item, run, model, capture, claimId, delivery, lease, tally, promptTokens } = c;
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const now = () => new Date(deps.clock.now());
  // Budget: reserve the most this call can cost before calling; settle to the actual cost after.
  const budget = run.request.budget_usd;
  const reserve = budget === undefined ? 0 : (maxCallCost(model, promptTokens, run.request.max_tokens, deps.settings.priceOverrides) ?? 0);
  if (budget !== undefined && !(await reserveBudget(deps, tally, ref, reserve, budget))) {
    const skipped = resultWithoutCall({
      runId: item.run_id,
      captureId: item.capture_id,
      model: item.model,
      status: 'skipped',
      kind: 'budget',
      attempts: delivery.receiveCount,
      now: now(),
    });
    return await finish(deps, tally, item, claimId, skipped, c.doubleCall);
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
  // The limit slot is held for the provider call only.
  await c.slot.release();
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
  if (budget !== undefined && !maybeBilled) await tally.settle(ref, (result.cost_usd ?? 0) - reserve);
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
  return await finish(deps, tally, item, claimId, result, c.doubleCall);
}

/**
 * Writes the batch's run counters. A failure loses no truth (the results are stored; CheckProgress recounts them), so
 * it is logged rather than failing the batch, which would only bring back messages already done.
 */
export async function endBatch(deps: Pick<ReplayWorkItemDeps, 'log'>, tally: RunTally): Promise<void> {
  try {
    await tally.flush();
  } catch (error) {
    deps.log.warn('run counters not written; the run recounts its results', { error: error instanceof Error ? error.name : 'unknown' });
  }
}
