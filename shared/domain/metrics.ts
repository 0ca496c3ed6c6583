// Per-model metrics, accumulated one result at a time so memory stays bounded by numbers, not texts.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import type { ReplayResult } from './result.js';
import { percentile } from './stats.js';

/** One model's numbers over a run: counts by outcome, judged quality, cost, tokens, latency and rates. */
export const ModelMetricsSchema = onFirstUse(() =>
  z.object({
    model: z.string(),
    is_baseline: z.boolean(),
    results: z.number(),
    ok: z.number(),
    refused: z.number(),
    partial_refusals: z.number(),
    /** refusal verdicts that went to the LLM second opinion (low detector confidence) */
    refusal_second_opinions: z.optional(z.number()),
    guardrail_blocked: z.number(),
    errors: z.number(),
    error_kinds: z.record(z.string(), z.number()),
    skipped: z.number(),
    scored: z.number(),
    unscored: z.number(),
    /** answers left unjudged because sequential judging had already settled this model's decision */
    not_judged: z.number(),
    /** pairwise verdicts against the baseline (both orders must agree for a win or loss) */
    pairwise: z.object({ win: z.number(), tie: z.number(), loss: z.number() }),
    quality_mean: z.nullable(z.number()),
    cost_known: z.boolean(),
    cost_usd_total: z.nullable(z.number()),
    cost_per_1k_requests_usd: z.nullable(z.number()),
    input_tokens: z.number(),
    output_tokens: z.number(),
    latency_ms_p50: z.nullable(z.number()),
    latency_ms_p95: z.nullable(z.number()),
    latency_ms_p99: z.nullable(z.number()),
    /** the part of latency outside the provider's own processing, where the provider reports it */
    gateway_latency_ms_p50: z.nullable(z.number()),
    gateway_latency_ms_p95: z.nullable(z.number()),
    refusal_rate: z.number(),
    error_rate: z.number(),
    guardrail_block_rate: z.number(),
  }),
);
export type ModelMetrics = z.infer<typeof ModelMetricsSchema>;

/** A growable Float64Array: 8 bytes a value, no per-value objects. */
export class NumberColumn {
  private data = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class ModelAccumulator {
  private results = 0;
  private ok = 0;
  private refused = 0;
  private partial = 0;
  private secondOpinions = 0;
  private guardrail = 0;
  private errors = 0;
  private skipped = 0;
  private scored = 0;
  private unscored = 0;
  private notJudged = 0;
  private readonly pairwise = { win: 0, tie: 0, loss: 0 };
  private qualitySum = 0;
  private costSum = 0;
  private costUnknown = 0;
  private costCounted = 0;
  private inputTokens = 0;
  private outputTokens = 0;
  private readonly errorKinds: Record<string, number> = {};
  private readonly latencies = new NumberColumn();
  private readonly gatewayLatencies = new NumberColumn();

  constructor(
    private readonly model: string,
    private readonly isBaseline: boolean,
  ) {}

  add(r: ReplayResult): void {
    this.results++;
    switch (r.status) {
      case 'ok':
        this.ok++;
        break;
      case 'refused':
        this.refused++;
        break;
      case 'guardrail_blocked':
        this.guardrail++;
        break;
      case 'error':
        this.errors++;
        this.errorKinds[r.error_kind ?? 'unknown'] = (this.errorKinds[r.error_kind ?? 'unknown'] ?? 0) + 1;
        break;
      case 'skipped':
        this.skipped++;
        break;
    }
    if (r.refusal === 'partial') this.partial++;
    if (r.refusal_signals.some((s) => s.startsWith('llm:'))) this.secondOpinions++;
    if (r.judge_status === 'scored' && typeof r.quality === 'number') {
      this.scored++;
      this.qualitySum += r.quality;
    } else if (r.judge_status === 'unscored') {
      this.unscored++;
    } else if (r.status === 'ok' || r.status === 'refused') {
      this.notJudged++;
    }
    if (r.pairwise) this.pairwise[r.pairwise]++;
    if (r.status === 'ok' || r.status === 'refused') {
      if (r.cost_usd === null) this.costUnknown++;
      else {
        this.costSum += r.cost_usd;
        this.costCounted++;
      }
      if (r.latency_ms !== null) this.latencies.push(r.latency_ms);
      if (r.gateway_latency_ms !== null) this.gatewayLatencies.push(r.gateway_latency_ms);
    }
    if (r.usage) {
      this.inputTokens += r.usage.input_tokens;
      this.outputTokens += r.usage.output_tokens;
    }
  }

  finish(): ModelMetrics {
    const attempted = this.results - this.skipped;
    const lat = this.latencies.view();
    const costKnown = this.costUnknown === 0 && this.costCounted > 0;
    const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);
    return {
      model: this.model,
      is_baseline: this.isBaseline,
      results: this.results,
      ok: this.ok,
      refused: this.refused,
      partial_refusals: this.partial,
      refusal_second_opinions: this.secondOpinions,
      guardrail_blocked: this.guardrail,
      errors: this.errors,
      error_kinds: this.errorKinds,
      skipped: this.skipped,
      scored: this.scored,
      unscored: this.unscored,
      not_judged: this.notJudged,
      pairwise: { ...this.pairwise },
      quality_mean: this.scored === 0 ? null : this.qualitySum / this.scored,
      cost_known: costKnown,
      cost_usd_total: costKnown ? this.costSum : null,
      cost_per_1k_requests_usd: costKnown ? (this.costSum / this.costCounted) * 1000 : null,
      input_tokens: this.inputTokens,
      output_tokens: this.outputTokens,
      latency_ms_p50: lat.length ? percentile(lat, 50) : null,
      latency_ms_p95: lat.length ? percentile(lat, 95) : null,
      latency_ms_p99: lat.length ? percentile(lat, 99) : null,
      gateway_latency_ms_p50: this.gatewayLatencies.length ? percentile(this.gatewayLatencies.view(), 50) : null,
      gateway_latency_ms_p95: this.gatewayLatencies.length ? percentile(this.gatewayLatencies.view(), 95) : null,
      refusal_rate: rate(this.refused, attempted),
      error_rate: rate(this.errors, attempted),
      guardrail_block_rate: rate(this.guardrail, attempted),
    };
  }
}
