// Stores that emit Switchyard's business metrics as their calls happen, so use cases and the domain stay free of
// metrics code (the gateway's wrapper is instrumented-llm.ts). Each wrapper depends on a few methods only (listed on it) and passes every other method through.

import type { MetricName } from '../config/metrics.js';
import type { ReplayResult } from '../domain/result.js';
import type { Metrics, ResultStore, RunStore } from '../ports/index.js';

/** `inner` with some methods replaced; the rest are inner's own, bound to it (private fields keep working). */
export function decorate<T extends object>(inner: T, replaced: Partial<T>): T {
  return new Proxy(inner, {
    get(target, property) {
      if (Object.hasOwn(replaced, property)) return (replaced as Record<PropertyKey, unknown>)[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function resultValues(result: ReplayResult): Partial<Record<MetricName, number>> {
  return {
    ResultsStored: 1,
    ...(result.status === 'refused' ? { Refusals: 1 } : {}),
    ...(result.status === 'skipped' && result.error_kind === 'budget' ? { BudgetSkips: 1 } : {}),
  };
}

/**
 * Counts final results as they are written. Depends on `ResultStore.complete(item, claimId, result)` and
 * `ResultStore.storeIfAbsent(item, result)` answering true when the result was written, and on the result's
 * `status` and `error_kind`.
 */
export function instrumentResults(inner: ResultStore, metrics: Metrics): ResultStore {
  return decorate(inner, {
    async complete(item, claimId, result) {
      const written = await inner.complete(item, claimId, result);
      if (written) metrics.emit(resultValues(result), { runId: item.run_id, model: item.model });
      return written;
    },
    async storeIfAbsent(item, result) {
      const written = await inner.storeIfAbsent(item, result);
      if (written) metrics.emit(resultValues(result), { runId: item.run_id, model: item.model });
      return written;
    },
  });
}

const ENDED: Partial<Record<string, MetricName>> = { completed: 'RunsCompleted', partial: 'RunsPartial', failed: 'RunsFailed' };

/**
 * Counts runs as they end. Depends on `RunStore.setStatus(ref, status, reasons, finishedAt?)`: a status of
 * completed, partial or failed ends the run; a reason starting with "budget" means the run reached its budget.
 */
export function instrumentRuns(inner: RunStore, metrics: Metrics): RunStore {
  return decorate(inner, {
    async setStatus(ref, status, reasons, finishedAt) {
      await inner.setStatus(ref, status, reasons, finishedAt);
      const ended = ENDED[status];
      if (!ended) return;
      const budget = reasons.some((r) => r.toLowerCase().startsWith('budget'));
      metrics.emit({ [ended]: 1, ...(budget ? { BudgetReached: 1 } : {}) }, { runId: ref.run_id });
    },
  });
}
