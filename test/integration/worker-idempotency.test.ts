// The fan-out worker against real dynalite, fauxqs, the gateway and the simulator: exactly one result per
// (run, capture, model), no second provider call for a stored result, one model's failure never stops the others.
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkerHandler } from '../../functions/replay-worker/handler.js';
import type { LocalStack } from '../../local/stack.js';
import type { RunRecord } from '../../shared/domain/run.js';
import { newRunRecord } from '../../shared/domain/run.js';
import type { WorkItem } from '../../shared/schemas/messages.js';
import { startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
const TENANT = 'acme';

beforeAll(async () => {
  // No background event source: the tests drive the handler with the events they build.
  stack = await startTestStack({ workerConcurrency: 0 });
  for (const id of ['c1', 'c2', 'c3']) {
    await stack.deps.captures.put(TENANT, {
      id,
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: `Explain idempotency key ${id} in one paragraph.` }],
      completion: 'An idempotency key...',
      usage: null,
      latency_ms: null,
      tags: {},
      conversation_id: null,
      user: null,
      metadata: {},
      captured_at: new Date().toISOString(),
    });
  }
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function newRun(runId: string, models: string[], captures: string[]): Promise<RunRecord> {
  const run = newRunRecord({
    tenantId: TENANT,
    runId,
    request: {
      candidate_models: models,
      baseline_model: models[0]!,
      baseline: 'replayed',
      judge_model: 'gpt-4o',
      captures: { limit: 10 },
      deadline_minutes: 10,
      max_tokens: 256,
      dry_run: false,
      refusal_second_opinion: false,
    },
    models,
    captures: captures.length,
    now: Date.now(),
    simulated: true,
    traffic: null,
  });
  await stack.deps.runs.create(run);
  return run;
}

function sqsEvent(items: WorkItem[], receiveCount = 1): SQSEvent {
  return {
    Records: items.map((item, i) => ({
      messageId: `m-${i}-${item.capture_id}-${item.model}`,
      receiptHandle: `rh-${i}`,
      body: JSON.stringify(item),
      attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:0:q',
      awsRegion: 'us-east-1',
    })),
  };
}

const item = (runId: string, capture: string, model: string): WorkItem => ({ v: 1, tenant_id: TENANT, run_id: runId, capture_id: capture, model });

describe('replay worker', () => {
  it('stores one result for a message delivered three times and calls the provider once', async () => {
    await newRun('run-dup', ['gpt-3.5-turbo'], ['c1']);
    const handler = makeWorkerHandler(async () => stack.deps);
    const before = stack.simulator!.stats.calls['gpt-3.5-turbo'] ?? 0;
    const msg = item('run-dup', 'c1', 'gpt-3.5-turbo');
    // Two concurrent deliveries plus one later redelivery.
    const [a, b] = await Promise.all([handler(sqsEvent([msg])), handler(sqsEvent([msg]))]);
    const c = await handler(sqsEvent([msg], 2));
    const failures = [a, b, c].flatMap((r) => r.batchItemFailures);
    expect(stack.simulator!.stats.calls['gpt-3.5-turbo']! - before).toBe(1);
    const page = await stack.deps.results.page('run-dup', 'gpt-3.5-turbo', null, 10);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.status).toBe('ok');
    // A concurrent duplicate that found the slot taken is retried later, never dropped silently.
    expect(failures.length).toBeLessThanOrEqual(1);
    const run = await stack.deps.runs.get({ tenant_id: TENANT, run_id: 'run-dup' });
    expect(run?.stored).toBe(1);
  });

  it('keeps going when one model fails: errors are stored for it, answers for the others', async () => {
    await newRun('run-mixed', ['gpt-4o-mini', 'mistral-large'], ['c1', 'c2', 'c3']);
    stack.simulator!.setFault('mistral-large-latest', { mode: 'server_error', rate: 1 });
    try {
      const handler = makeWorkerHandler(async () => stack.deps);
      const items = ['c1', 'c2', 'c3'].flatMap((c) => [item('run-mixed', c, 'gpt-4o-mini'), item('run-mixed', c, 'mistral-large')]);
      // Last allowed attempt: a retryable failure is stored as an error instead of being retried.
      const response = await handler(sqsEvent(items, stack.deps.settings.maxAttempts));
      expect(response.batchItemFailures).toEqual([]);
      const ok = await stack.deps.results.page('run-mixed', 'gpt-4o-mini', null, 10);
      const failed = await stack.deps.results.page('run-mixed', 'mistral-large', null, 10);
      expect(ok.items.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
      expect(failed.items.map((r) => [r.status, r.error_kind])).toEqual([
        ['error', 'server_error'],
        ['error', 'server_error'],
        ['error', 'server_error'],
      ]);
    } finally {
      stack.simulator!.clearFaults();
    }
  });

  it('hands a retryable failure back to the queue before the last attempt, storing nothing', async () => {
    await newRun('run-retry', ['gpt-4o-mini'], ['c2']);
    stack.simulator!.setFault('gpt-4o-mini', { mode: 'rate_limit', count: 1, retryAfterSeconds: 7 });
    const delays: number[] = [];
    const deps = {
      ...stack.deps,
      queue: { ...stack.deps.queue, enqueue: stack.deps.queue.enqueue.bind(stack.deps.queue), delay: async (_: string, s: number) => void delays.push(s) },
    };
    try {
      const handler = makeWorkerHandler(async () => deps);
      const first = await handler(sqsEvent([item('run-retry', 'c2', 'gpt-4o-mini')], 1));
      expect(first.batchItemFailures).toHaveLength(1);
      expect(delays[0]).toBeGreaterThanOrEqual(7);
      expect(await stack.deps.results.get('run-retry', 'gpt-4o-mini', 'c2')).toBeNull();
      const second = await handler(sqsEvent([item('run-retry', 'c2', 'gpt-4o-mini')], 2));
      expect(second.batchItemFailures).toHaveLength(0);
      expect((await stack.deps.results.get('run-retry', 'gpt-4o-mini', 'c2'))?.status).toBe('ok');
    } finally {
      stack.simulator!.clearFaults();
    }
  });

  it('keeps its lease while a provider call outlasts it: a redelivery meanwhile finds the slot busy, one call is billed', async () => {
    await newRun('run-lease', ['gpt-3.5-turbo'], ['c3']);
    const leaseMs = 1_000;
    const slow = {
      async complete(request: Parameters<typeof stack.deps.llm.complete>[0]) {
        const outcome = await stack.deps.llm.complete(request);
        // The provider has answered (and billed); the answer reaches us well after the lease would have run out.
        await new Promise((r) => setTimeout(r, leaseMs * 2.5));
        return outcome;
      },
    };
    const deps = { ...stack.deps, llm: slow, settings: { ...stack.deps.settings, leaseMs } };
    const handler = makeWorkerHandler(async () => deps);
    const msg = item('run-lease', 'c3', 'gpt-3.5-turbo');
    const before = stack.simulator!.stats.calls['gpt-3.5-turbo'] ?? 0;
    const first = handler(sqsEvent([msg]));
    await new Promise((r) => setTimeout(r, leaseMs * 1.6));
    // The visibility timeout ran out and SQS delivered the message again while the first call is still in flight.
    const second = await handler(sqsEvent([msg], 2));
    expect(second.batchItemFailures).toHaveLength(1);
    expect((await first).batchItemFailures).toEqual([]);
    expect(stack.simulator!.stats.calls['gpt-3.5-turbo']! - before).toBe(1);
    expect((await stack.deps.results.get('run-lease', 'gpt-3.5-turbo', 'c3'))?.status).toBe('ok');
    const run = await stack.deps.runs.get({ tenant_id: TENANT, run_id: 'run-lease' });
    expect(run?.double_calls).toBe(0);
  });

  it('counts a call it gave up on (timeout) as possibly billed: the next attempt reports a possible double call', async () => {
    await newRun('run-timeout', ['gpt-4o-mini'], ['c1']);
    let timeouts = 1;
    const timingOut = {
      async complete(request: Parameters<typeof stack.deps.llm.complete>[0]) {
        const outcome = await stack.deps.llm.complete(request);
        if (timeouts-- <= 0) return outcome;
        // The provider answered and billed, but too late for us.
        return { ok: false as const, kind: 'timeout' as const, retryable: true, status: null, retryAfterSeconds: null, latencyMs: 1, guardrailChecks: [] };
      },
    };
    const deps = {
      ...stack.deps,
      llm: timingOut,
      queue: { ...stack.deps.queue, enqueue: stack.deps.queue.enqueue.bind(stack.deps.queue), delay: async () => {} },
    };
    const handler = makeWorkerHandler(async () => deps);
    const msg = item('run-timeout', 'c1', 'gpt-4o-mini');
    expect((await handler(sqsEvent([msg], 1))).batchItemFailures).toHaveLength(1);
    expect((await handler(sqsEvent([msg], 2))).batchItemFailures).toEqual([]);
    expect((await stack.deps.results.get('run-timeout', 'gpt-4o-mini', 'c1'))?.status).toBe('ok');
    const run = await stack.deps.runs.get({ tenant_id: TENANT, run_id: 'run-timeout' });
    expect(run?.double_calls).toBe(1);
  });

  it('drops a malformed message without failing the batch', async () => {
    const handler = makeWorkerHandler(async () => stack.deps);
    const event = sqsEvent([item('run-dup', 'c1', 'gpt-3.5-turbo')]);
    event.Records[0]!.body = '{"v": 2}';
    expect((await handler(event)).batchItemFailures).toEqual([]);
  });
});
