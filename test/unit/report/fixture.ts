// A finished run with hostile text everywhere a user can put it: prompts, answers, model names, tags, segments.
import type { ModelMetrics } from '../../../shared/domain/metrics.js';
import { type Comparison, DEFAULT_POLICY, recommendSwitch } from '../../../shared/domain/recommendation.js';
import type { ReplayResult } from '../../../shared/domain/result.js';
import { newRunRecord, type RunRecord } from '../../../shared/domain/run.js';
import type { ReportData } from '../../../shared/report/render-html.js';

export const HOSTILE = {
  prompt: 'Summarise <script>alert(1)</script> and <b>bold</b>',
  answer: '</div><script>document.title="pwned"</script><img src=x onerror=alert(2)>',
  model: 'acme/<img src=x onerror=alert(3)>',
  tag: '"><svg onload=alert(4)>',
  user: "<iframe src='javascript:alert(5)'>",
};

export const metrics = (model: string, over: Partial<ModelMetrics> = {}): ModelMetrics => ({
  model,
  is_baseline: false,
  results: 100,
  ok: 97,
  refused: 2,
  partial_refusals: 1,
  guardrail_blocked: 0,
  errors: 1,
  error_kinds: { timeout: 1 },
  skipped: 0,
  scored: 99,
  unscored: 0,
  not_judged: 0,
  pairwise: { win: 10, tie: 80, loss: 9 },
  quality_mean: 0.8,
  cost_known: true,
  cost_usd_total: 1,
  cost_per_1k_requests_usd: 10,
  input_tokens: 1000,
  output_tokens: 2000,
  latency_ms_p50: 100,
  latency_ms_p95: 200,
  latency_ms_p99: 300,
  gateway_latency_ms_p50: null,
  gateway_latency_ms_p95: null,
  refusal_rate: 0.02,
  error_rate: 0.01,
  guardrail_block_rate: 0,
  ...over,
});

const cmp = (model: string, quality: number, cost: number): Comparison => ({
  model,
  quality: { estimate: quality, ci95: [quality - 0.02, quality + 0.02], n: 100 },
  cost: { estimate: cost, ci95: [cost - 0.01, cost + 0.01], n: 100 },
  refusal: { estimate: 0, ci95: [-0.01, 0.01] },
  error: { estimate: 0.004, ci95: [-0.006, 0.015] },
});

export const result = (model: string, captureId: string, over: Partial<ReplayResult> = {}): ReplayResult => ({
  run_id: RUN_ID,
  capture_id: captureId,
  model,
  status: 'ok',
  answer: `answer of ${model}`,
  finish_reason: 'stop',
  refusal: 'none',
  refusal_signals: [],
  usage: { input_tokens: 10, output_tokens: 20 },
  cost_usd: 0.0001,
  latency_ms: 420,
  gateway_latency_ms: null,
  error_kind: null,
  error_status: null,
  guardrail_checks: [],
  attempts: 1,
  stored_at: '2026-01-01T00:00:00Z',
  quality: 0.8,
  judge: { accuracy: 0.8, relevance: 0.9, clarity: 0.7 },
  judge_status: 'scored',
  pairwise: 'tie',
  ...over,
});

export const RUN_ID = 'run_00000000-0000-4000-8000-000000000001';
const BASELINE = 'gpt-4o';

export function finishedRun(over: Partial<RunRecord> = {}): RunRecord {
  const run = newRunRecord({
    tenantId: 'acme',
    runId: RUN_ID,
    request: {
      captures: { limit: 500 },
      baseline_model: BASELINE,
      baseline: 'replayed',
      candidate_models: ['gpt-4o-mini', HOSTILE.model],
      judge_model: 'gpt-4o',
      deadline_minutes: 60,
      max_tokens: 1024,
      budget_usd: 5,
      refusal_second_opinion: false,
      dry_run: false,
    },
    models: [BASELINE, 'gpt-4o-mini', HOSTILE.model],
    captures: 100,
    now: Date.parse('2026-01-01T00:00:00Z'),
    simulated: true,
    traffic: null,
  });
  return { ...run, status: 'completed', stored: 300, cost_usd: 0.42, judge_cost_usd: 0.13, finished_at: '2026-01-01T00:05:00Z', ...over };
}

export function reportData(): ReportData {
  const baseline = metrics(BASELINE, { is_baseline: true, quality_mean: 0.82, cost_per_1k_requests_usd: 12 });
  const candidates = [
    metrics('gpt-4o-mini', { quality_mean: 0.8, cost_per_1k_requests_usd: 0.6 }),
    metrics(HOSTILE.model, { quality_mean: 0.6, cost_per_1k_requests_usd: 3 }),
  ];
  const record = recommendSwitch({
    baseline,
    candidates,
    comparisons: new Map([
      ['gpt-4o-mini', cmp('gpt-4o-mini', -0.02, -0.95)],
      [HOSTILE.model, cmp(HOSTILE.model, -0.25, -0.75)],
    ]),
    segments: new Map([
      [HOSTILE.tag, new Map([['gpt-4o-mini', cmp('gpt-4o-mini', -0.2, -0.95)]])],
      ['support', new Map([['gpt-4o-mini', cmp('gpt-4o-mini', -0.01, -0.95)]])],
    ]),
    policy: DEFAULT_POLICY,
    simulated: true,
    now: new Date('2026-01-01T00:05:00Z'),
  });
  return {
    run: finishedRun(),
    metrics: [candidates[0]!, baseline, candidates[1]!],
    recommendation: record,
    samples: [
      {
        capture_id: 'cap-1',
        capture: {
          id: 'cap-1',
          model: BASELINE,
          messages: [
            { role: 'system', content: 'You are <em>helpful</em>.' },
            { role: 'user', content: HOSTILE.prompt },
          ],
          completion: HOSTILE.answer,
          tags: { use_case: HOSTILE.tag },
          user: HOSTILE.user,
        },
        results: [
          result(BASELINE, 'cap-1', { answer: HOSTILE.answer }),
          result('gpt-4o-mini', 'cap-1', { pairwise: 'loss' }),
          result(HOSTILE.model, 'cap-1', {
            answer: '',
            status: 'refused',
            refusal: 'full',
            refusal_signals: ['<b>content_filter</b>'],
            judge_status: undefined,
            quality: null,
            judge: null,
          }),
        ],
      },
    ],
  };
}
