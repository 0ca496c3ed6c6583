// The report's cost–quality chart as inline SVG: one point per model, the Pareto frontier as a dashed line, and each
// candidate's 95% interval of quality impact drawn as a bar on the baseline's quality scale.
import { html, type Markup } from './html.js';

export type ChartPoint = {
  model: string;
  role: 'baseline' | 'recommended' | 'candidate';
  cost: number;
  quality: number;
  /** the 95% interval of quality on the baseline's scale, for candidates with one */
  interval: [number, number] | null;
};

const W = 880;
const H = 380;
const M = { top: 20, right: 140, bottom: 50, left: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const COLOR = { baseline: '#57606a', recommended: '#1a7f37', candidate: '#0969da', frontier: '#bf8700', grid: '#d8dee4' } as const;

type Scale = { at(v: number): number; ticks: number[] };

const clean = (v: number) => Number(v.toPrecision(3));

/** Costs spread over more than ~8× read better on a log axis (1-2-5 ticks); otherwise linear. */
function costScale(values: number[]): Scale & { log: boolean } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  if (lo > 0 && hi / lo >= 8) {
    const a = Math.log10(lo / 1.3);
    const b = Math.log10(hi * 1.3);
    const ticks: number[] = [];
    for (let d = Math.floor(a); d <= Math.ceil(b); d++) for (const m of [1, 2, 5]) ticks.push(clean(m * 10 ** d));
    return { log: true, at: (v) => M.left + ((Math.log10(v) - a) / (b - a)) * PLOT_W, ticks: ticks.filter((t) => Math.log10(t) >= a && Math.log10(t) <= b) };
  }
  const [a, b] = lo === hi ? (lo === 0 ? [0, 1] : [lo * 0.5, hi * 1.5]) : [Math.max(0, lo - (hi - lo) * 0.15), hi + (hi - lo) * 0.15];
  return { log: false, at: (v) => M.left + ((v - a) / (b - a)) * PLOT_W, ticks: niceTicks(a, b) };
}

function niceTicks(a: number, b: number): number[] {
  const raw = (b - a) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b + step * 1e-9; t += step) ticks.push(clean(t));
  return ticks;
}

/** Judge scores lie in [0, 1]: the axis never goes past them, and intervals are cut at its ends. */
function qualityScale(values: number[]): Scale & { lo: number; hi: number } {
  const lo = Math.max(0, Math.min(...values));
  const hi = Math.min(1, Math.max(...values));
  const pad = Math.max((hi - lo) * 0.08, 0.02);
  const a = Math.max(0, lo - pad);
  const b = Math.min(1, hi + pad);
  return { lo: a, hi: b, at: (v) => M.top + PLOT_H - ((v - a) / (b - a)) * PLOT_H, ticks: niceTicks(a, b) };
}

const usd = (v: number) => `$${v >= 1 ? clean(v).toString() : v.toPrecision(1).replace(/^0\.0*$/, '0')}`;

/** Places each label beside its point, on whichever side overlaps fewer labels already placed. */
function placeLabels(points: { x: number; y: number; text: string }[]): { x: number; y: number; anchor: 'start' | 'end' }[] {
  const boxes: { x0: number; x1: number; y0: number; y1: number }[] = [];
  const overlap = (b: (typeof boxes)[number]) => boxes.filter((o) => b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1).length;
  return points.map((p) => {
    const width = p.text.length * 6.6;
    const options = [0, -13, 13, -26, 26].flatMap((dy) => [
      { x: p.x + 9, y: p.y + 4 + dy, anchor: 'start' as const, box: { x0: p.x + 9, x1: p.x + 9 + width, y0: p.y - 8 + dy, y1: p.y + 5 + dy } },
      { x: p.x - 9, y: p.y + 4 + dy, anchor: 'end' as const, box: { x0: p.x - 9 - width, x1: p.x - 9, y0: p.y - 8 + dy, y1: p.y + 5 + dy } },
    ]);
    const inside = options.filter((o) => o.box.x0 >= 0 && o.box.x1 <= W && o.box.y0 >= 0 && o.box.y1 <= H);
    const best = (inside.length ? inside : options).reduce((a, b) => (overlap(b.box) < overlap(a.box) ? b : a));
    boxes.push(best.box);
    return { x: best.x, y: best.y, anchor: best.anchor };
  });
}

export function costQualityChart(points: readonly ChartPoint[], frontier: readonly { model: string; cost: number; quality: number }[]): Markup {
  const xs = costScale(points.map((p) => p.cost));
  const ys = qualityScale(points.flatMap((p) => [p.quality, ...(p.interval ?? [])]));
  const f = (n: number) => n.toFixed(1);
  const grid = html`${ys.ticks.map(
    (t) =>
      html`<line x1="${f(M.left)}" x2="${f(M.left + PLOT_W)}" y1="${f(ys.at(t))}" y2="${f(ys.at(t))}" stroke="${COLOR.grid}"/><text x="${f(M.left - 8)}" y="${f(ys.at(t) + 4)}" text-anchor="end" class="tick">${t.toFixed(2)}</text>`,
  )}${xs.ticks.map(
    (t) =>
      html`<line x1="${f(xs.at(t))}" x2="${f(xs.at(t))}" y1="${f(M.top)}" y2="${f(M.top + PLOT_H)}" stroke="${COLOR.grid}"/><text x="${f(xs.at(t))}" y="${f(M.top + PLOT_H + 18)}" text-anchor="middle" class="tick">${usd(t)}</text>`,
  )}`;
  const axes = html`<line x1="${f(M.left)}" x2="${f(M.left + PLOT_W)}" y1="${f(M.top + PLOT_H)}" y2="${f(M.top + PLOT_H)}" stroke="#57606a"/>
<line x1="${f(M.left)}" x2="${f(M.left)}" y1="${f(M.top)}" y2="${f(M.top + PLOT_H)}" stroke="#57606a"/>
<text x="${f(M.left + PLOT_W / 2)}" y="${f(H - 10)}" text-anchor="middle" class="axis">cost per 1,000 requests (USD${xs.log ? ', log scale' : ''})</text>
<text transform="translate(16 ${f(M.top + PLOT_H / 2)}) rotate(-90)" text-anchor="middle" class="axis">quality (judge score, 0–1)</text>`;
  const line =
    frontier.length > 1
      ? html`<polyline points="${frontier.map((p) => `${f(xs.at(p.cost))},${f(ys.at(p.quality))}`).join(' ')}" fill="none" stroke="${COLOR.frontier}" stroke-width="2" stroke-dasharray="6 4"/>`
      : null;
  const bars = points.map((p) => {
    if (!p.interval) return null;
    const x = xs.at(p.cost);
    const [lo, hi] = p.interval;
    const [y0, y1] = [ys.at(Math.max(lo, ys.lo)), ys.at(Math.min(hi, ys.hi))];
    // A cap marks an end inside the axis; an end cut at the axis has none.
    const cap = (y: number) => html`<line x1="${f(x - 5)}" x2="${f(x + 5)}" y1="${f(y)}" y2="${f(y)}"/>`;
    return html`<g stroke="${COLOR[p.role]}" stroke-width="1.5" opacity="0.7"><line x1="${f(x)}" x2="${f(x)}" y1="${f(y0)}" y2="${f(y1)}"/>${lo >= ys.lo ? cap(y0) : null}${hi <= ys.hi ? cap(y1) : null}</g>`;
  });
  const located = points.map((p) => ({ x: xs.at(p.cost), y: ys.at(p.quality), text: p.model }));
  const labels = placeLabels(located);
  const marks = points.map((p, i) => {
    const { x, y } = located[i] as { x: number; y: number };
    const label = labels[i] as { x: number; y: number; anchor: string };
    const mark =
      p.role === 'baseline'
        ? html`<rect x="${f(x - 5)}" y="${f(y - 5)}" width="10" height="10" fill="${COLOR.baseline}"/>`
        : html`<circle cx="${f(x)}" cy="${f(y)}" r="${p.role === 'recommended' ? 7 : 5}" fill="${COLOR[p.role]}"/>`;
    return html`<g class="point">${mark}<title>${p.model}: $${p.cost.toFixed(4)} per 1k requests, quality ${p.quality.toFixed(3)}</title><text x="${f(label.x)}" y="${f(label.y)}" text-anchor="${label.anchor}" class="label${p.role === 'recommended' ? ' strong' : ''}">${p.model}</text></g>`;
  });
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">Cost per 1,000 requests against mean judge quality, one point per model, with the Pareto frontier</title>
${grid}${axes}${line}${bars}${marks}
</svg>`;
}
