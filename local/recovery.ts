// What `npm start` does with runs that were in flight when the previous server stopped (or was killed): the state
// machine and the queue lived in that process, so nothing would ever finish them. A run still `running` is resumed
// when its work journal holds all its items (the ones without a stored result are queued again, the state machine
// restarted); a run `aggregating` gets its state machine restarted (CheckProgress passes it straight to scoring);
// any other run in flight is ended `failed` with a reason starting "restart:". None is left `running`.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { RunRecord } from '../shared/domain/run.js';
import type { Clock, ResultStore, RunStore, Workflow, WorkQueue } from '../shared/ports/index.js';
import type { RunRef } from '../shared/schemas/messages.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.js';
import type { WorkJournal } from './work-journal.js';

export type RecoveryOutcome = { run_id: string; tenant_id: string; action: 'resumed' | 'aggregating' | 'failed'; requeued?: number; reason?: string };

export type RecoveryDeps = {
  runs: RunStore;
  results: ResultStore;
  /** the raw queue (re-driven items are already in the journal) */
  queue: WorkQueue;
  workflow: Workflow;
  clock: Clock;
  journal: WorkJournal;
  /** the local DynamoDB endpoint and table, scanned for runs in flight (every tenant) */
  dynamodbEndpoint: string;
  table: string;
};

const IN_FLIGHT = ['running', 'aggregating'] as const;

/** Runs whose status is running or aggregating, across tenants (a scan: the local table is small). */
async function runsInFlight(endpoint: string, table: string): Promise<RunRef[]> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS }));
  const refs: RunRef[] = [];
  try {
    const pages = paginateScan(
      { client: db },
      {
        TableName: table,
        FilterExpression: 'sk = :run AND #status IN (:running, :aggregating)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':run': 'RUN', ':running': IN_FLIGHT[0], ':aggregating': IN_FLIGHT[1] },
        ProjectionExpression: 'tenant_id, run_id',
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) refs.push({ tenant_id: String(item.tenant_id), run_id: String(item.run_id) });
  } finally {
    db.destroy();
  }
  return refs;
}

async function storedKeys(results: ResultStore, run: RunRecord): Promise<Set<string>> {
  const stored = new Set<string>();
  for (const model of run.models) {
    let cursor: string | null = null;
    do {
      const page = await results.page(run.run_id, model, cursor, 500);
      for (const r of page.items) stored.add(`${r.capture_id}\n${model}`);
      cursor = page.cursor;
    } while (cursor);
  }
  return stored;
}

async function recoverOne(deps: RecoveryDeps, ref: RunRef): Promise<RecoveryOutcome> {
  const fail = async (reason: string): Promise<RecoveryOutcome> => {
    const run = await deps.runs.get(ref);
    await deps.runs.setStatus(ref, 'failed', [...(run?.reasons ?? []), reason], new Date(deps.clock.now()).toISOString());
    await deps.journal.forget(ref.run_id);
    return { ...ref, action: 'failed', reason };
  };
  const run = await deps.runs.get(ref);
  if (!run) return fail('restart: the run record could not be read');
  if (run.status === 'aggregating') {
    await deps.workflow.startAggregation(ref);
    return { ...ref, action: 'aggregating' };
  }
  const stored = await storedKeys(deps.results, run);
  const items = await deps.journal.items(ref.run_id);
  if (items === null && stored.size < run.expected) {
    return fail('restart: the server stopped while this run was in flight and its queued work was not recorded, so it cannot be resumed');
  }
  const journalled = items ?? [];
  if (items !== null && journalled.length < run.expected && stored.size < run.expected) {
    return fail(`restart: the server stopped before all work was queued (${journalled.length} of ${run.expected} work items recorded)`);
  }
  const missing = journalled.filter((i) => !stored.has(`${i.capture_id}\n${i.model}`));
  // The state machine first, as at the start of a run: it ends the run at the latest at its deadline.
  await deps.workflow.startAggregation(ref);
  if (missing.length > 0) await deps.queue.enqueue(missing);
  return { ...ref, action: 'resumed', requeued: missing.length };
}

/** Resumes or ends every run in flight, and drops the journals of runs that have ended. */
export async function recoverRuns(deps: RecoveryDeps): Promise<RecoveryOutcome[]> {
  const inFlight = await runsInFlight(deps.dynamodbEndpoint, deps.table);
  const outcomes: RecoveryOutcome[] = [];
  for (const ref of inFlight) {
    try {
      outcomes.push(await recoverOne(deps, ref));
    } catch (error) {
      // Never leave it running: a run that cannot be resumed is ended with the reason.
      const reason = `restart: could not be resumed (${error instanceof Error ? error.message : String(error)})`;
      await deps.runs.setStatus(ref, 'failed', [reason], new Date(deps.clock.now()).toISOString());
      outcomes.push({ ...ref, action: 'failed', reason });
    }
  }
  const live = new Set(inFlight.map((r) => r.run_id));
  for (const runId of await deps.journal.runs()) if (!live.has(runId)) await deps.journal.forget(runId);
  return outcomes;
}
