// Renders a finished replay as the per-model table and recommendation sentence the demo prints.

import type { ModelMetrics } from '../shared/domain/metrics.js';
import type { RecommendationRecord } from '../shared/domain/recommendation.js';

const fmt = (x: number | null | undefined, digits: number, suffix = '') =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(digits)}${suffix}`;

export function renderTable(metrics: readonly ModelMetrics[], record: RecommendationRecord | null): string {
  const alt = new Map((record?.alternatives ?? []).map((a) => [a.model, a]));
  const header = ['model', 'role', 'cost/1k req', 'quality', 'judged', 'Δquality % [95% CI]', 'W/T/L % vs base', 'refusal %', 'error %', 'p50 ms'];
  const rows = metrics.map((m) => {
    const a = alt.get(m.model);
    const delta = a?.quality_impact_percent ?? null;
    const ci = a?.quality_impact_ci95 ? ` [${fmt(a.quality_impact_ci95[0], 1)}, ${fmt(a.quality_impact_ci95[1], 1)}]` : '';
    return [
      m.model,
      m.is_baseline ? 'baseline' : record?.recommended_model === m.model ? 'RECOMMENDED' : 'candidate',
      m.cost_per_1k_requests_usd === null ? 'unknown' : `$${m.cost_per_1k_requests_usd.toFixed(3)}`,
      fmt(m.quality_mean, 3),
      String(m.scored),
      m.is_baseline ? '—' : `${fmt(delta, 1)}${ci}`,
      a?.pairwise ? `${a.pairwise.win_rate.toFixed(0)}/${a.pairwise.tie_rate.toFixed(0)}/${a.pairwise.loss_rate.toFixed(0)}` : '—',
      fmt(m.refusal_rate * 100, 1),
      fmt(m.error_rate * 100, 1),
      fmt(m.latency_ms_p50, 0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
