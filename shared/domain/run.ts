// A new run record: what was asked, how much work it expects, when it must end, every counter at zero.
import type { RunRecord } from '../ports/index.js';

export function newRunRecord(input: {
  tenantId: string;
  runId: string;
  request: RunRecord['request'];
  models: string[];
  captures: number;
  now: number;
  simulated: boolean;
  traffic: RunRecord['traffic'];
}): RunRecord {
  return {
    tenant_id: input.tenantId,
    run_id: input.runId,
    status: 'running',
    reasons: [],
    request: input.request,
    models: input.models,
    expected: input.captures * input.models.length,
    captures: input.captures,
    stored: 0,
    cost_usd: 0,
    double_calls: 0,
    reserved_usd: 0,
    judge_cost_usd: 0,
    skipped: 0,
    dead_lettered: 0,
    created_at: new Date(input.now).toISOString(),
    deadline: new Date(input.now + input.request.deadline_minutes * 60_000).toISOString(),
    finished_at: null,
    simulated: input.simulated,
    traffic: input.traffic,
  };
}
