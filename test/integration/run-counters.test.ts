// Run counters against dynalite: the worker writes them once per batch, so a worker that dies after storing its
// results leaves them short. CheckProgress recounts the stored results once the counters stop moving, and begins the
// aggregation with the recount; counts written after that are refused (they are in the recount already).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type Dynalite, startDynalite } from '../../local/emulators.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { DynamoResultStore } from '../../shared/adapters/dynamodb/result-store.js';
import { DynamoRunStore } from '../../shared/adapters/dynamodb/run-store.js';
import { type ReplayResult, resultWithoutCall } from '../../shared/domain/result.js';
import { newRunRecord } from '../../shared/domain/run.js';
import type { WorkItem } from '../../shared/schemas/messages.js';
import { checkProgress } from '../../shared/use-cases/aggregate/check-progress.js';
import { batchedTally } from '../../shared/use-cases/run-tally.js';

const TABLE = 'run-counters-test';
let dynamo: Dynalite;
let runs: DynamoRunStore;
let results: DynamoResultStore;
const clock = { now: () => Date.now() };

beforeAll(async () => {
  dynamo = await startDynalite();
  await createTable(dynamo.endpoint, TABLE, {
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
  } as never);
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamo.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  runs = new DynamoRunStore(db, TABLE, 30);
  results = new DynamoResultStore(db, TABLE, 30);
});
afterAll(async () => {
  await dynamo?.stop();
});

const MODELS = ['gpt-4o-mini', 'gpt-3.5-turbo'];

async function newRun(runId: string) {
  const run = newRunRecord({
    tenantId: 't',
    runId,
    request: {
      candidate_models: [MODELS[1]!],
      baseline_model: MODELS[0]!,
      baseline: 'captured',
      judge_model: 'gpt-4o',
      captures: { limit: 10 },
      deadline_minutes: 10,
      max_tokens: 64,
      dry_run: false,
      refusal_second_opinion: false,
    },
    models: MODELS,
    captures: 2,
    now: Date.now(),
    simulated: true,
    traffic: null,
  });
  await runs.create(run);
  return { tenant_id: 't', run_id: runId };
}

/** Claims and stores one result as the worker does; `crashedBefore` claims it once first and never finishes (a crash). */
async function store(item: WorkItem, result: Partial<ReplayResult>, crashedBefore = false) {
  const now = Date.now();
  if (crashedBefore) await results.claim(item, 'crashed', 1, now - 10, true);
  const claim = await results.claim(item, 'claim', 60_000, now, result.attempts !== 0);
  expect(claim.kind).toBe('claimed');
  const base = resultWithoutCall({
    runId: item.run_id,
    captureId: item.capture_id,
    model: item.model,
    status: 'error',
    kind: 'x',
    attempts: 1,
    now: new Date(),
  });
  expect(await results.complete(item, 'claim', { ...base, status: 'ok', error_kind: null, ...result })).toBe(true);
}

describe('run counters written per batch', () => {
  it('recounts the stored results when the counters stall, and refuses counts written after the aggregation began', async () => {
    const ref = await newRun('r-crash');
    const item = (capture: string, model: string): WorkItem => ({ v: 1, ...ref, capture_id: capture, model });
    // A batch whose counters were written: one captured answer (no provider bill) and one replayed answer.
    const tally = batchedTally(runs);
    await store(item('c1', MODELS[0]!), { attempts: 0, cost_usd: 0.5 });
    await tally.count(ref, { stored: 1, cost_usd: 0 });
    await store(item('c1', MODELS[1]!), { attempts: 1, cost_usd: 0.002 });
    await tally.count(ref, { stored: 1, cost_usd: 0.002 });
    expect(await tally.flush()).toBe(true);
    // A batch whose worker died before its counters: a captured answer, and a replayed one called twice (the first
    // holder crashed after its call).
    await store(item('c2', MODELS[0]!), { attempts: 0, cost_usd: 0.5 });
    await store(item('c2', MODELS[1]!), { attempts: 2, cost_usd: 0.003 }, true);

    const deps = { runs, results, clock };
    const first = await checkProgress(deps, ref);
    expect(first).toMatchObject({ done: false, stored: 2, expected: 4 });
    // The counters did not move since the last check: the results are recounted, and all four are there.
    const second = await checkProgress(deps, ref, first.stored);
    expect(second).toMatchObject({ done: true, stored: 4 });
    const run = await runs.get(ref);
    expect(run).toMatchObject({ status: 'aggregating', stored: 4, double_calls: 1, skipped: 0, dead_lettered: 0 });
    expect(run?.cost_usd).toBeCloseTo(0.005, 12);

    // The dead worker's counts, had they arrived late, would be counted twice: they are refused.
    expect(await runs.recordResult(ref, { stored: 2, cost_usd: 0.003, double_calls: 1 })).toBe(false);
    expect((await runs.get(ref))?.stored).toBe(4);
  });

  it('does not recount while the counters move', async () => {
    const ref = await newRun('r-moving');
    let tallies = 0;
    const deps = {
      runs,
      clock,
      results: Object.assign(Object.create(results) as DynamoResultStore, {
        tally: async (runId: string, model: string) => {
          tallies++;
          return results.tally(runId, model);
        },
      }),
    };
    await runs.recordResult(ref, { stored: 1 });
    const first = await checkProgress(deps, ref, 0);
    expect(first).toMatchObject({ done: false, stored: 1 });
    expect(tallies).toBe(0);
  });
});
