// Business metrics from a real local run: the deployed wiring's wrappers emit Powertools EMF records, captured here
// line by line, and their sums must match what the run stored, what the simulator was asked, and what the run spent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import { EmfMetrics } from '../../shared/adapters/powertools-metrics.js';
import { METRICS, METRICS_NAMESPACE, type MetricName } from '../../shared/config/metrics.js';
import type { ReplayResult } from '../../shared/domain/result.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

type EmfLine = Record<string, unknown> & {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
};

const lines: EmfLine[] = [];
let stack: LocalStack;
let client: SwitchyardClient;
const TENANT = 'metrics';

/** The sum of one metric over the records of one run (or all records). */
function sum(name: MetricName, runId?: string): number {
  return lines.filter((l) => runId === undefined || l.runId === runId).reduce((n, l) => n + (typeof l[name] === 'number' ? (l[name] as number) : 0), 0);
}

async function resultsOf(runId: string, models: string[]): Promise<ReplayResult[]> {
  const all: ReplayResult[] = [];
  for (const model of models) {
    let cursor: string | null = null;
    do {
      const page = await stack.deps.results.page(runId, model, cursor, 100);
      all.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
  }
  return all;
}

beforeAll(async () => {
  stack = await startTestStack({
    metrics: new EmfMetrics({ environment: 'test', write: (line) => lines.push(JSON.parse(line) as EmfLine) }),
    simulator: { fixedLatencyMs: 5 },
  });
  client = await clientFor(stack, TENANT);
  // Half the prompts are ones the simulated models refuse most of the time, so refusals are counted for real.
  const captures = Array.from({ length: 12 }, (_, i) => ({
    id: `met-${i}`,
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: i % 2 === 0 ? `Explain queue number ${i} in one sentence.` : `How do I build a keylogger, variant ${i}?` }],
    completion: 'An answer.',
    usage: { prompt_tokens: 12, completion_tokens: 4 },
    tags: { group: 'metrics' },
  }));
  expect((await client.captureAll(captures)).stored).toBe(12);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('business metrics (EMF) from a local run', () => {
  let runId: string;
  let run: Record<string, unknown>;

  it('counts every stored result, refusal, provider and judge call, and the spend of a completed run', async () => {
    const callsBefore = { ...stack.simulator!.stats.calls };
    const judgeBefore = stack.simulator!.stats.judgeCalls;
    const res = await client.request('POST', '/v1/replays', { candidate_models: ['claude-3.5-haiku'], captures: { tags: { group: 'metrics' } } });
    expect(res.status).toBe(202);
    runId = String(res.body.run_id);
    run = await client.waitForReplay(runId, { timeoutMs: 90_000 });
    expect(run.status).toBe('completed');

    const results = await resultsOf(runId, ['gpt-4o-mini', 'claude-3.5-haiku']);
    expect(results).toHaveLength(24);
    expect(sum('ResultsStored', runId)).toBe(24);
    const refused = results.filter((r) => r.status === 'refused').length;
    expect(refused).toBeGreaterThan(0);
    expect(sum('Refusals', runId)).toBe(refused);

    // What the simulator was asked during this run: replay calls and judge calls, told apart by the simulator itself.
    const calls = Object.entries(stack.simulator!.stats.calls).reduce((n, [model, count]) => n + count - (callsBefore[model] ?? 0), 0);
    const judgeCalls = stack.simulator!.stats.judgeCalls - judgeBefore;
    expect(judgeCalls).toBeGreaterThan(0);
    expect(sum('JudgeCalls', runId)).toBe(judgeCalls);
    expect(sum('ProviderCalls', runId)).toBe(calls - judgeCalls);
    expect(sum('ProviderErrors', runId)).toBe(0);

    // Spend as metrics equals the run's own ledger.
    const ledger = await stack.deps.runs.get({ tenant_id: TENANT, run_id: runId });
    expect(ledger!.cost_usd).toBeGreaterThan(0);
    expect(sum('ProviderCostUsd', runId)).toBeCloseTo(ledger!.cost_usd, 9);
    expect(ledger!.judge_cost_usd).toBeGreaterThan(0);
    expect(sum('JudgeCostUsd', runId)).toBeCloseTo(ledger!.judge_cost_usd, 9);

    expect(sum('RunsCompleted', runId)).toBe(1);
    expect(sum('RunsPartial', runId) + sum('RunsFailed', runId) + sum('BudgetReached', runId) + sum('BudgetSkips', runId)).toBe(0);
  }, 120_000);

  it('counts the work a budget skipped and the run that reached its budget', async () => {
    const res = await client.request('POST', '/v1/replays', {
      candidate_models: ['claude-3.5-sonnet'],
      captures: { tags: { group: 'metrics' } },
      budget_usd: 0.01,
      max_tokens: 400,
    });
    expect(res.status).toBe(202);
    const budgetRun = String(res.body.run_id);
    const ended = await client.waitForReplay(budgetRun, { timeoutMs: 90_000 });
    expect(ended.status).toBe('partial');
    const skipped = (await resultsOf(budgetRun, ['gpt-4o-mini', 'claude-3.5-sonnet'])).filter((r) => r.status === 'skipped' && r.error_kind === 'budget');
    expect(skipped.length).toBeGreaterThan(0);
    expect(sum('BudgetSkips', budgetRun)).toBe(skipped.length);
    expect(sum('RunsPartial', budgetRun)).toBe(1);
    expect(sum('BudgetReached', budgetRun)).toBe(1);
    expect(sum('RunsCompleted', budgetRun)).toBe(0);
  }, 120_000);

  it('writes CloudWatch EMF: namespace Switchyard, dimensions service and environment, the declared units', () => {
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const [directive] = line._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      expect(directive?.Dimensions).toEqual([['service', 'environment']]);
      expect(line).toMatchObject({ service: 'switchyard', environment: 'test' });
      expect(directive?.Metrics.length).toBeGreaterThan(0);
      for (const m of directive?.Metrics ?? []) {
        expect(m.Name in METRICS).toBe(true);
        expect(m.Unit).toBe(METRICS[m.Name as MetricName].unit);
        expect(typeof line[m.Name]).toBe('number');
      }
      // Context only: never prompt or answer text.
      expect(JSON.stringify(line)).not.toMatch(/keylogger|queue number/);
    }
  });
});
