// The report of a finished replay as one self-contained HTML page (no script, font or remote resource): a pure
// function from the run, its metrics, its recommendation record and a sample of answers to a string.
import type { ModelMetrics } from '../domain/metrics.js';
import { type Alternative, policyRequirements, type RecommendationRecord } from '../domain/recommendation.js';
import type { RunRecord } from '../domain/run.js';
import { type ChartPoint, costQualityChart } from './chart.js';
import { html, type Markup, trusted } from './html.js';
import { type ReportSample, samplesSection } from './samples.js';

export type { ReportSample, SampleCapture } from './samples.js';

export type ReportData = {
  run: RunRecord;
  metrics: readonly ModelMetrics[];
  recommendation: RecommendationRecord | null;
  samples: readonly ReportSample[];
};

/** The page's policy: nothing but its own inline styles and data: images. Sent as a header and as a meta tag. */
export const REPORT_CSP_META = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
/** frame-ancestors only works in the header (browsers ignore it in a meta tag). */
export const REPORT_CSP = `${REPORT_CSP_META}; frame-ancestors 'none'`;

const num = (x: number | null | undefined, digits: number, suffix = '') =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(digits)}${suffix}`;
const signed = (x: number | null | undefined, digits: number) =>
  x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(digits)}`;
const usd = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? 'unknown' : `$${x.toFixed(digits)}`);
const ci = (i: readonly [number, number] | null | undefined, digits = 1) =>
  i ? html` <span class="ci">[${i[0].toFixed(digits)}, ${i[1].toFixed(digits)}]</span>` : null;
const rate = (x: number) => num(x * 100, 1);

type Roles = { baseline: string; recommended: string | null };
const roleOf = (model: string, r: Roles) => (model === r.baseline ? 'baseline' : model === r.recommended ? 'recommended' : 'candidate');
const roleBadge = (model: string, r: Roles) => {
  const role = roleOf(model, r);
  return html`<span class="pill ${role === 'recommended' ? 'good' : role === 'baseline' ? 'base' : ''}">${role}</span>`;
};

function modelsTable(metrics: readonly ModelMetrics[], alts: ReadonlyMap<string, Alternative>, roles: Roles): Markup {
  const rows = metrics.map((m) => {
    const a = alts.get(m.model);
    const answered = m.ok + m.refused;
    return html`<tr><th scope="row">${m.model} ${roleBadge(m.model, roles)}</th>
<td class="num">${usd(m.cost_per_1k_requests_usd, 3)}</td><td class="num">${a ? html`${signed(a.projected_cost_saving_percent, 1)}${ci(a.projected_cost_saving_ci95)}` : '—'}</td>
<td class="num">${num(m.quality_mean, 3)}</td><td class="num">${a ? html`${signed(a.quality_impact_percent, 1)}${ci(a.quality_impact_ci95)}` : '—'}</td>
<td class="num">${a?.pairwise ? `${a.pairwise.win_rate.toFixed(0)} / ${a.pairwise.tie_rate.toFixed(0)} / ${a.pairwise.loss_rate.toFixed(0)}` : '—'}</td>
<td class="num">${rate(m.refusal_rate)}</td><td class="num">${rate(m.error_rate)}</td><td class="num">${rate(m.guardrail_block_rate)}</td>
<td class="num">${num(m.latency_ms_p50, 0)} / ${num(m.latency_ms_p95, 0)}</td>
<td class="num">${m.scored} / ${answered}${m.not_judged ? html` <span class="muted">(${m.not_judged} not judged)</span>` : null}</td></tr>`;
  });
  return html`<div class="scroll"><table><thead><tr><th>model</th><th>cost / 1k req</th><th>cost saving % [95% CI]</th><th>quality</th><th>Δ quality % [95% CI]</th><th>win / tie / loss %</th><th>refusal %</th><th>error %</th><th>guardrail %</th><th>p50 / p95 ms</th><th>judged / answers</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function reliabilityTable(metrics: readonly ModelMetrics[], alts: ReadonlyMap<string, Alternative>): Markup {
  const rows = metrics.map((m) => {
    const a = alts.get(m.model);
    const attempted = m.results - m.skipped;
    const kinds = Object.entries(m.error_kinds).map(([k, n]) => `${k} ${n}`);
    return html`<tr><th scope="row">${m.model}</th><td class="num">${attempted === 0 ? '—' : num((m.ok / attempted) * 100, 1)}</td>
<td class="num">${rate(m.refusal_rate)}</td><td class="num">${m.partial_refusals}</td><td class="num">${a ? html`${signed(a.refusal_rate_change_points, 1)}${ci(a.refusal_rate_change_ci95)}` : '—'}</td>
<td class="num">${rate(m.error_rate)}</td><td class="num">${a ? html`${signed(a.error_rate_change_points, 1)}${ci(a.error_rate_change_ci95)}` : '—'}</td>
<td class="num">${rate(m.guardrail_block_rate)}</td><td>${kinds.length ? kinds.join(', ') : '—'}</td><td class="num">${m.skipped}</td></tr>`;
  });
  return html`<div class="scroll"><table><thead><tr><th>model</th><th>success %</th><th>refusal %</th><th>partial refusals</th><th>Δ refusal pts [95% CI]</th><th>error %</th><th>Δ error pts [95% CI]</th><th>guardrail block %</th><th>error kinds</th><th>skipped</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<p class="note">Refusal % counts full refusals; partial refusals (help after a lecture or a pivot) are counted apart. Changes are in percentage points against the baseline on the same prompts (Newcombe's paired interval).</p>`;
}

function chartSection(metrics: readonly ModelMetrics[], record: RecommendationRecord | null, alts: ReadonlyMap<string, Alternative>, roles: Roles): Markup {
  const baseQuality = metrics.find((m) => m.model === roles.baseline)?.quality_mean ?? null;
  const points: ChartPoint[] = [];
  const unplotted: string[] = [];
  for (const m of metrics) {
    if (m.cost_per_1k_requests_usd === null || m.quality_mean === null) {
      unplotted.push(m.model);
      continue;
    }
    const i = alts.get(m.model)?.quality_impact_ci95;
    const interval: [number, number] | null = i && baseQuality !== null ? [baseQuality * (1 + i[0] / 100), baseQuality * (1 + i[1] / 100)] : null;
    points.push({ model: m.model, role: roleOf(m.model, roles), cost: m.cost_per_1k_requests_usd, quality: m.quality_mean, interval });
  }
  if (points.length === 0) return html`<p class="muted">No model has both a known cost and a judged quality to plot.</p>`;
  const frontier = (record?.pareto_frontier ?? []).map((p) => ({ model: p.model, cost: p.cost_per_1k_requests_usd, quality: p.quality_mean }));
  return html`<figure>${costQualityChart(points, frontier)}
<figcaption><span class="key baseline"></span> baseline <span class="key recommended"></span> recommended <span class="key candidate"></span> candidate
<span class="key frontier"></span> Pareto frontier (${frontier.map((p) => p.model).join(' → ') || 'none'}) <span class="key bar"></span> 95% interval of the quality impact, drawn on the baseline's quality scale.
${unplotted.length ? html`Not plotted (cost or quality unknown): ${unplotted.join(', ')}.` : null}</figcaption></figure>`;
}

function alternativesSection(record: RecommendationRecord | null, roles: Roles): Markup {
  if (!record) return html`<p class="muted">No recommendation record was written for this run.</p>`;
  const ordered = [...record.alternatives].sort((a, b) => Number(b.model === roles.recommended) - Number(a.model === roles.recommended));
  const items = ordered.map((a) => {
    const verdict =
      a.model === roles.recommended
        ? html`<span class="pill good">recommended</span>`
        : a.qualifies
          ? html`<span class="pill">qualifies</span>`
          : html`<span class="pill bad">rejected</span>`;
    return html`<li>${verdict} <strong>${a.model}</strong>: ${a.reason} <span class="muted">(judged pairs: ${a.sample_size})</span></li>`;
  });
  const upgrade = record.upgrade ? html`<p><strong>Upgrade option:</strong> ${record.upgrade.reasoning}.</p>` : null;
  return html`<ul class="alternatives">${items}</ul>${upgrade}<p class="note">Policy: recommend the largest saving among candidates that ${policyRequirements(record.policy)}.</p>`;
}

function segmentsSection(record: RecommendationRecord | null): Markup {
  if (!record || record.segments.length === 0)
    return html`<p class="muted">No per-segment recommendations: every segment agrees with the overall one, or the captures carry no segment tag.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>segment</th><th>judged pairs</th><th>recommended</th><th>reasoning</th></tr></thead><tbody>${record.segments.map(
    (s) =>
      html`<tr><th scope="row">${s.segment}</th><td class="num">${s.sample_size}</td><td>${s.recommended_model ?? 'stay on the baseline'}</td><td>${s.reasoning}</td></tr>`,
  )}</tbody></table></div>`;
}

function spendSection(run: RunRecord, record: RecommendationRecord | null): Markup {
  const budget = run.request.budget_usd;
  const judging = record?.judging;
  const monthly = record?.projected_monthly;
  return html`<dl class="facts">
<dt>Provider calls (replays)</dt><dd>${usd(run.cost_usd)}${budget ? ` of a ${usd(budget, 2)} budget` : ' (no budget set)'}</dd>
<dt>Judge calls</dt><dd>${usd(run.judge_cost_usd)}${judging ? ` · ${judging.judged.toLocaleString('en-US')} judged of ${judging.answers.toLocaleString('en-US')} answers (${(judging.saved_fraction * 100).toFixed(0)}% of rubric calls saved by sequential judging)` : ''}</dd>
<dt>Total</dt><dd><strong>${usd(run.cost_usd + run.judge_cost_usd)}</strong></dd>
<dt>Work</dt><dd>${run.stored.toLocaleString('en-US')} of ${run.expected.toLocaleString('en-US')} results stored · ${run.skipped} skipped (budget) · ${run.dead_lettered} dead-lettered</dd>
${monthly ? html`<dt>Projected monthly</dt><dd>${monthly.requests.toLocaleString('en-US')} requests: ${usd(monthly.baseline_cost_usd, 2)} on the baseline${monthly.saving_usd !== null ? `, saving ${usd(monthly.saving_usd, 2)}` : ''} <span class="muted">(${monthly.basis})</span></dd>` : null}
</dl>`;
}

function headline(run: RunRecord, record: RecommendationRecord | null): Markup {
  if (!record) return html`<p class="headline">No recommendation: the run ended ${run.status}${run.reasons.length ? ` (${run.reasons.join('; ')})` : ''}.</p>`;
  const facts = record.recommended_model
    ? html`<ul class="kpis"><li><span>cost saving</span><strong>${num(record.projected_cost_saving_percent, 1, '%')}</strong>${ci(record.projected_cost_saving_ci95)}</li>
<li><span>quality impact</span><strong>${num(record.quality_impact_percent, 1, '%')}</strong>${ci(record.quality_impact_ci95)}</li>
<li><span>success / refusal rate</span><strong>${num(record.expected_reliability?.success_rate, 1, '%')} / ${num(record.expected_reliability?.refusal_rate, 1, '%')}</strong></li>
<li><span>judged pairs</span><strong>${record.sample_size.toLocaleString('en-US')}</strong></li></ul>`
    : null;
  return html`<p class="headline">${record.reasoning}</p>${facts}`;
}

const STYLE = trusted(`
:root{color-scheme:light;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--bg2:#f6f8fa}
*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:0 0 8px}.muted,.note,.ci{color:var(--muted)}.note{font-size:12.5px}.ci{font-size:12px}
.banner{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px 12px;font-weight:600}
.headline{font-size:20px;font-weight:600;margin:16px 0;padding:14px 16px;border-left:4px solid #1a7f37;background:var(--bg2);border-radius:0 6px 6px 0}
.kpis{display:flex;flex-wrap:wrap;gap:12px;list-style:none;padding:0;margin:0}.kpis li{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:170px}
.kpis span{display:block;color:var(--muted);font-size:12px}.kpis strong{font-size:18px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:13px}th,td{padding:6px 7px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
tbody th{white-space:nowrap}thead th{background:var(--bg2);font-weight:600;vertical-align:bottom}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}tbody tr:hover{background:#fbfcfd}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:400;background:#eaeef2;white-space:nowrap}.pill.good{background:#dafbe1;color:#116329}.pill.bad{background:#ffebe9;color:#a40e26}
.pill.warn{background:#fff8c5}.pill.base{background:#e7ecf0;color:#424a53}
figure{margin:0}.chart{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}.tick{font-size:11px;fill:#656d76}.axis{font-size:12px;fill:#424a53}
.label{font-size:11.5px;fill:#1f2328}.label.strong{font-weight:700;fill:#116329}figcaption{font-size:12.5px;color:var(--muted);margin-top:6px}
.key{display:inline-block;width:12px;height:12px;margin:0 4px 0 10px;vertical-align:-1px}.key.baseline{background:#57606a}.key.recommended{background:#1a7f37;border-radius:6px}
.key.candidate{background:#0969da;border-radius:6px}.key.frontier{height:0;border-top:2px dashed #bf8700}.key.bar{width:2px;background:#0969da}
.alternatives{padding-left:18px}.alternatives li{margin:4px 0}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{font-weight:600}dd{margin:0}
.sample{border:1px solid var(--line);border-radius:8px;padding:14px;margin:16px 0}.messages{margin-bottom:10px}
.message{display:grid;grid-template-columns:80px 1fr;gap:8px;margin:4px 0}.msg-role{font-size:12px;color:var(--muted);text-transform:uppercase;padding-top:2px}
.answers{display:grid;grid-template-columns:repeat(auto-fill,minmax(270px,1fr));gap:10px;align-items:start}.answer{border:1px solid var(--line);border-radius:6px;padding:10px;background:#fff;min-width:0}
.answer.captured{background:var(--bg2)}.answer-head{margin-bottom:6px}.answer-head .muted{font-size:12px}.role{font-size:12px;color:var(--muted)}.verdicts{font-size:12.5px;margin-bottom:6px}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px;max-height:260px;overflow:auto}footer{margin-top:40px;font-size:12px;color:var(--muted)}
`);

/** The whole page. Every value from the run (prompts, answers, model names, tags, reasons) is escaped by `html`. */
export function renderReportHtml(data: ReportData): string {
  const { run, metrics, recommendation: record, samples } = data;
  const simulated = run.simulated || record?.simulated === true;
  const roles: Roles = { baseline: run.request.baseline_model, recommended: record?.recommended_model ?? null };
  const alts = new Map((record?.alternatives ?? []).map((a) => [a.model, a]));
  const ordered = [...metrics].sort((a, b) => Number(b.is_baseline) - Number(a.is_baseline));
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP_META}">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Switchyard report ${run.run_id}${simulated ? ' (simulated)' : ''}</title>
<style>${STYLE}</style></head>
<body><main>
<h1>Switchyard report${simulated ? ' (simulated)' : ''}</h1>
<p class="muted">Replay ${run.run_id} · ${run.status}${run.reasons.length ? ` (${run.reasons.join('; ')})` : ''} · baseline ${roles.baseline} · judge ${run.request.judge_model} · ${run.captures.toLocaleString('en-US')} captures × ${run.models.length} models · started ${run.created_at}${run.finished_at ? ` · finished ${run.finished_at}` : ''}</p>
${simulated ? html`<p class="banner" id="simulated">Simulated: every answer, judge score and price in this report comes from the provider simulator, not from real models.</p>` : null}
<section id="recommendation"><h2>Recommendation</h2>${headline(run, record)}</section>
<section id="models"><h2>Models</h2>${ordered.length ? modelsTable(ordered, alts, roles) : html`<p class="muted">No metrics were computed for this run.</p>`}
<p class="note">Δ columns are relative changes against the baseline on the same prompts, with paired 95% intervals; a wide interval means few judged prompts (sequential judging stops once a decision is settled), not a worse model.</p></section>
<section id="chart"><h2>Cost and quality</h2>${chartSection(ordered, record, alts, roles)}</section>
<section id="reliability"><h2>Refusals, errors and guardrails</h2>${ordered.length ? reliabilityTable(ordered, alts) : null}</section>
<section id="segments"><h2>Segments</h2>${segmentsSection(record)}</section>
<section id="alternatives"><h2>Every alternative</h2>${alternativesSection(record, roles)}</section>
<section id="spend"><h2>What this evaluation cost</h2>${spendSection(run, record)}</section>
<section id="samples"><h2>Sample of prompts and answers</h2><p class="note">${samples.length} prompt${samples.length === 1 ? '' : 's'} of ${run.captures.toLocaleString('en-US')}, with every model's answer and the judge's verdicts (quality = weighted rubric score, 0–1).</p>
${samplesSection(samples, [roles.baseline, ...run.models.filter((m) => m !== roles.baseline)], roles.baseline, roles.recommended)}</section>
<footer>Generated by Switchyard${record ? ` from the recommendation record of ${record.generated_at}` : ''}. This page loads nothing from the network and runs no script.</footer>
</main></body></html>
`;
  return page.value;
}
