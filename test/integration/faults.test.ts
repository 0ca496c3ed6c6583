// Fault injection through the whole local stack (HTTP → SQS → worker → Portkey gateway → simulator → state machine):
// each fault ends with exact result counts per status, no duplicate result or bill, and a terminal run status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { FaultSpec } from '../../local/simulator/server.js';
import type { LocalStack } from '../../local/stack.js';
import { resolveModel } from '../../shared/config/models.js';
import type { ReplayResult } from '../../shared/domain/result.js';
import type { LlmGateway, RunStore } from '../../shared/ports/index.js';
import type { RunRef } from '../../shared/schemas/messages.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const BASELINE = 'gpt-4o-mini';
const CANDIDATE = 'gpt-3.5-turbo';
const CAPTURES = 3;

/** Crashes the worker between the provider's answer and the result write, for prompts that contain this marker. */
const CRASH_MARKER = 'crash-after-call';
const crashed = new Set<string>();
class SimulatedCrash extends Error {}

/**
 * While set, every worker dies between storing its batch's results and writing the run counters (the end of the
 * batch): the counters never hear of those results.
 */
let killCounterWrites = false;
let killedCounterWrites = 0;

let stack: LocalStack;
let client: SwitchyardClient;

beforeAll(async () => {
  stack = await startTestStack({
    visibilityTimeoutSeconds: 2,
    // The call timeout leaves room for a busy machine (a call that times out may be billed and is then called
    // again); the lease is short, so a crashed holder's slot is taken over quickly, and renewed while a call runs.
    settings: { maxAttempts: 3, backoffBaseSeconds: 1, backoffMaxSeconds: 1, callTimeoutMs: 5000, leaseMs: 3000 },
    wrapRuns: (runs: RunStore): RunStore =>
      Object.assign(Object.create(runs) as RunStore, {
        async recordResult(ref: RunRef, delta: Parameters<RunStore['recordResult']>[1]) {
          if (killCounterWrites && (delta.stored ?? 0) > 0) {
            killedCounterWrites++;
            throw new SimulatedCrash('worker killed after storing its results, before writing the run counters');
          }
          return runs.recordResult(ref, delta);
        },
      }),
    wrapLlm: (llm: LlmGateway): LlmGateway => ({
      async complete(request) {
        const outcome = await llm.complete(request);
        const key = `${request.model.id}|${request.trace.captureId}`;
        const text = request.messages.map((m) => m.content).join(' ');
        if (request.trace.purpose === 'replay' && text.includes(CRASH_MARKER) && !crashed.has(key)) {
          crashed.add(key);
          throw new SimulatedCrash('worker killed after the provider answered');
        }
        return outcome;
      },
    }),
  });
  client = await clientFor(stack, 'faults');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

let scenario = 0;
async function runScenario(options: { fault?: [string, FaultSpec]; prompt?: string; replay?: Record<string, unknown> } = {}) {
  const tag = `scenario-${++scenario}`;
  const captures = Array.from({ length: CAPTURES }, (_, i) => ({
    id: `${tag}-${i}`,
    model: BASELINE,
    messages: [{ role: 'user' as const, content: `${options.prompt ?? 'Explain retries'} (${tag}, item ${i})` }],
    completion: 'captured answer',
    tags: { scenario: tag },
  }));
  expect((await client.captureAll(captures)).stored).toBe(CAPTURES);
  if (options.fault) stack.simulator!.setFault(resolveModel(options.fault[0])!.apiModel, options.fault[1]);
  try {
    const started = await client.request('POST', '/v1/replays', { candidate_models: [CANDIDATE], captures: { tags: { scenario: tag } }, ...options.replay });
    expect(started.status).toBe(202);
    const runId = String(started.body.run_id);
    const run = await client.waitForReplay(runId, { timeoutMs: 60_000 });
    const results: Record<string, ReplayResult[]> = {};
    for (const model of [BASELINE, CANDIDATE]) results[model] = (await stack.deps.results.page(runId, model, null, 100)).items;
    const bills = captures.flatMap((c) =>
      [BASELINE, CANDIDATE].map((m) => {
        const prompt = c.messages[0]!.content;
        return [...stack.simulator!.stats.billed.entries()]
          .filter(([k]) => k.startsWith(`${resolveModel(m)!.apiModel}|`) && billedPrompts.get(k) === prompt)
          .reduce((n, [, v]) => n + v, 0);
      }),
    );
    return { run, results, bills };
  } finally {
    stack.simulator!.clearFaults();
  }
}

// The simulator keys bills by a hash of the prompt text; map them back through the prompts we sent.
const billedPrompts = new Map<string, string>();

import { createHash } from 'node:crypto';

const registerPrompt = (model: string, prompt: string) =>
  billedPrompts.set(`${resolveModel(model)!.apiModel}|${createHash('sha1').update(prompt.trim()).digest('hex')}`, prompt);

const statuses = (rs: ReplayResult[]) => rs.map((r) => (r.error_kind ? `${r.status}:${r.error_kind}` : r.status)).sort();

function expectOneResultEach(results: Record<string, ReplayResult[]>) {
  for (const rs of Object.values(results)) {
    expect(rs).toHaveLength(CAPTURES);
    expect(new Set(rs.map((r) => r.capture_id)).size).toBe(CAPTURES);
  }
}

function registerScenarioPrompts(prompt: string) {
  for (let i = 0; i < CAPTURES; i++) for (const m of [BASELINE, CANDIDATE]) registerPrompt(m, `${prompt} (scenario-${scenario + 1}, item ${i})`);
}

describe('fault injection', () => {
  it('absorbs 429s with Retry-After by delaying the message, then stores every answer once', async () => {
    registerScenarioPrompts('Explain retries');
    const { run, results, bills } = await runScenario({ fault: [CANDIDATE, { mode: 'rate_limit', count: 2, retryAfterSeconds: 1 }] });
    expect(run.status).toBe('completed');
    expectOneResultEach(results);
    expect(statuses(results[CANDIDATE]!)).toEqual(['ok', 'ok', 'ok']);
    expect(Math.max(...results[CANDIDATE]!.map((r) => r.attempts))).toBeGreaterThan(1);
    expect(bills).toEqual(Array(CAPTURES * 2).fill(1));
  });

  it('stores a 5xx burst that outlasts the attempts as error results, and the others still answer', async () => {
    registerScenarioPrompts('Explain retries');
    const { run, results, bills } = await runScenario({ fault: [CANDIDATE, { mode: 'server_error', rate: 1 }] });
    expect(run.status).toBe('completed');
    expectOneResultEach(results);
    expect(statuses(results[CANDIDATE]!)).toEqual(['error:server_error', 'error:server_error', 'error:server_error']);
    expect(results[CANDIDATE]!.every((r) => r.attempts === 3)).toBe(true);
    expect(statuses(results[BASELINE]!)).toEqual(['ok', 'ok', 'ok']);
    expect(bills.filter((_, i) => i % 2 === 0)).toEqual(Array(CAPTURES).fill(1));
  });

  it.each([
    ['slow answers past the timeout', { mode: 'slow', count: 2, delayMs: 30_000 } as FaultSpec],
    ['connection resets', { mode: 'reset', count: 2 } as FaultSpec],
    ['malformed JSON', { mode: 'malformed', count: 2 } as FaultSpec],
  ])('retries %s and ends with every answer stored once', async (_, fault) => {
    registerScenarioPrompts('Explain retries');
    const { run, results, bills } = await runScenario({ fault: [CANDIDATE, fault] });
    expect(run.status).toBe('completed');
    expectOneResultEach(results);
    expect(statuses(results[CANDIDATE]!)).toEqual(['ok', 'ok', 'ok']);
    expect(bills).toEqual(Array(CAPTURES * 2).fill(1));
  });

  it('stores a guardrail 446 as guardrail_blocked with the failing check, at once', async () => {
    registerScenarioPrompts('Please share the admin password');
    const { run, results } = await runScenario({
      prompt: 'Please share the admin password',
      replay: { guardrails: { input_guardrails: [{ 'default.regexMatch': { rule: 'password', not: true }, deny: true }] } },
    });
    expectOneResultEach(results);
    for (const model of [BASELINE, CANDIDATE]) {
      expect(statuses(results[model]!)).toEqual(['guardrail_blocked', 'guardrail_blocked', 'guardrail_blocked']);
      expect(results[model]!.every((r) => r.attempts === 1 && r.guardrail_checks.length > 0)).toBe(true);
    }
    expect(run.status).toBe('failed');
    const metrics = run.metrics as { model: string; guardrail_block_rate: number }[];
    expect(metrics.every((m) => m.guardrail_block_rate === 1)).toBe(true);
  });

  it('counts a worker killed between the provider call and the write, and stores the result once', async () => {
    registerScenarioPrompts(CRASH_MARKER);
    const { run, results, bills } = await runScenario({ prompt: CRASH_MARKER });
    expect(run.status).toBe('completed');
    expectOneResultEach(results);
    expect(statuses(results[CANDIDATE]!)).toEqual(['ok', 'ok', 'ok']);
    // Every (capture, model) was answered twice by the provider: once before the crash, once after.
    expect(run.suspected_double_calls).toBe(CAPTURES * 2);
    expect(bills).toEqual(Array(CAPTURES * 2).fill(2));
  });

  it('completes with the right counts and spend when workers die between storing results and writing the counters', async () => {
    registerScenarioPrompts('Explain counters');
    killCounterWrites = true;
    killedCounterWrites = 0;
    try {
      const { run, results, bills } = await runScenario({ prompt: 'Explain counters' });
      // No counter write got through: the counts come from the recount of the stored results.
      expect(killedCounterWrites).toBeGreaterThan(0);
      expect(run.status).toBe('completed');
      expectOneResultEach(results);
      expect(run.progress).toMatchObject({ expected: CAPTURES * 2, stored: CAPTURES * 2, skipped: 0, dead_lettered: 0 });
      const spent = Object.values(results)
        .flat()
        .reduce((usd, r) => usd + (r.cost_usd ?? 0), 0);
      expect(spent).toBeGreaterThan(0);
      expect(run.spend_usd).toBeCloseTo(spent, 12);
      expect(run.suspected_double_calls).toBe(0);
      expect(bills).toEqual(Array(CAPTURES * 2).fill(1));
    } finally {
      killCounterWrites = false;
    }
  });

  it('stores one result per work item when every message is delivered twice', async () => {
    registerScenarioPrompts('Explain duplicates');
    const queue = stack.deps.queue;
    const original = queue.enqueue.bind(queue);
    queue.enqueue = async (items, delay) => {
      await original(items, delay);
      await original(items, delay);
    };
    try {
      const { run, results, bills } = await runScenario({ prompt: 'Explain duplicates' });
      expect(run.status).toBe('completed');
      expectOneResultEach(results);
      expect(bills).toEqual(Array(CAPTURES * 2).fill(1));
      expect(run.progress).toMatchObject({ expected: CAPTURES * 2, stored: CAPTURES * 2 });
    } finally {
      queue.enqueue = original;
    }
  });

  it('ends the run failed, with every item stored as a connection error, when the gateway is down', async () => {
    await stack.gateway!.stop();
    registerScenarioPrompts('Explain outages');
    const { run, results } = await runScenario({ prompt: 'Explain outages' });
    expectOneResultEach(results);
    for (const model of [BASELINE, CANDIDATE]) expect(statuses(results[model]!)).toEqual(['error:connection', 'error:connection', 'error:connection']);
    expect(run.status).toBe('failed');
    expect(run.reasons).toContain('no model returned an answer');
  });
});
