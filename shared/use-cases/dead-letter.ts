// A work item that reached the dead-letter queue is counted, not forgotten: it becomes an `error: dead_lettered`
// result (unless a result was stored after all), so the run can terminate and the aggregate runs on what was stored.
import { resultWithoutCall } from '../domain/result.js';
import type { WorkItem } from '../schemas/messages.js';
import type { Needs } from './deps.js';

export type DeadLetterDeps = Needs<'runs' | 'results' | 'clock' | 'log'>;

export async function recordDeadLetter(deps: DeadLetterDeps, item: WorkItem, receiveCount: number): Promise<'recorded' | 'already_stored' | 'dropped'> {
  const ref = { tenant_id: item.tenant_id, run_id: item.run_id };
  const run = await deps.runs.get(ref);
  if (!run) return 'dropped';
  const result = resultWithoutCall({
    runId: item.run_id,
    captureId: item.capture_id,
    model: item.model,
    status: 'error',
    kind: 'dead_lettered',
    attempts: receiveCount,
    now: new Date(deps.clock.now()),
  });
  if (!(await deps.results.storeIfAbsent(item, result))) return 'already_stored';
  await deps.runs.recordResult(ref, { stored: 1, cost_usd: 0, double_calls: 0, dead_lettered: 1 });
  deps.log.warn('work item dead-lettered', { runId: item.run_id, captureId: item.capture_id, model: item.model });
  return 'recorded';
}
