// The HTML report: every user-supplied value renders as text, the page loads nothing and runs nothing.
import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../../../shared/report/html.js';
import { REPORT_CSP, REPORT_CSP_META, renderReportHtml } from '../../../shared/report/render-html.js';
import { HOSTILE, reportData } from './fixture.js';

/** The elements the renderer itself writes; anything else in the output came from data. */
const OWN_TAGS = new Set(
  'html head meta link title style body main h1 h2 h3 p section div span strong ul li table thead tbody tr th td figure figcaption dl dt dd article footer svg line text polyline rect circle g'.split(
    ' ',
  ),
);

describe('renderReportHtml', () => {
  const page = renderReportHtml(reportData());

  it('escapes prompts, answers, model names, tags, users and signals everywhere', () => {
    const tags = new Set([...page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] as string).toLowerCase()));
    expect([...tags].filter((t) => !OWN_TAGS.has(t))).toEqual([]);
    expect(page).not.toMatch(/<script|<img|<iframe|<b>|<em>/i);
    // No event-handler attribute inside any element the page writes.
    expect(page).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    for (const text of [HOSTILE.prompt, HOSTILE.answer, HOSTILE.model, HOSTILE.tag, HOSTILE.user]) expect(page).toContain(escapeHtml(text));
    expect(page).toContain('Summarise &lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt;');
    expect(page).toContain('&lt;b&gt;content_filter&lt;/b&gt;');
  });

  it('carries a strict Content-Security-Policy and loads nothing from the network', () => {
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(REPORT_CSP_META)}">`);
    expect(REPORT_CSP).toMatch(/^default-src 'none';/);
    expect(REPORT_CSP).toContain("frame-ancestors 'none'");
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(page).not.toMatch(/@import|url\(/i);
  });

  it('shows the headline, the table with intervals, the chart with the frontier and interval bars, and says simulated', () => {
    const data = reportData();
    expect(page).toContain(`<p class="headline">${escapeHtml(data.recommendation!.reasoning)}</p>`);
    expect(data.recommendation!.recommended_model).toBe('gpt-4o-mini');
    expect(page).toMatch(/<th>Δ quality % \[95% CI\]<\/th>/);
    expect(page).toContain('<span class="ci">[-4.0, 0.0]</span>');
    expect(page).toMatch(/<svg class="chart"[^>]*role="img"/);
    expect(page).toContain('<polyline points=');
    expect(page.match(/<g stroke="[^"]+" stroke-width="1.5" opacity="0.7">/g)).toHaveLength(2);
    expect(page).toContain('id="simulated"');
    expect(page).toContain('<title>Switchyard report run_00000000-0000-4000-8000-000000000001 (simulated)</title>');
  });

  it('lists every alternative with its reason, the segments, the spend and the judge verdicts of the sample', () => {
    const data = reportData();
    for (const a of data.recommendation!.alternatives) expect(page).toContain(escapeHtml(a.reason));
    expect(page).toContain('<span class="pill bad">rejected</span> <strong>acme/&lt;img');
    for (const s of data.recommendation!.segments) expect(page).toContain(escapeHtml(s.reasoning));
    expect(page).toContain('$0.4200 of a $5.00 budget');
    expect(page).toContain('<strong>$0.5500</strong>');
    expect(page).toContain('accuracy 0.80 · relevance 0.90 · clarity 0.70');
    expect(page).toContain('vs baseline: <strong>loss</strong>');
    expect(page).toContain('refusal: <span class="pill bad">full</span>');
  });

  it('keeps the page small: long texts are clipped and long conversations shortened, saying so', () => {
    const data = reportData();
    const sample = data.samples[0]!;
    const messages = Array.from({ length: 20 }, (_, i) => ({ role: 'user' as const, content: `message ${i}` }));
    const long = renderReportHtml({
      ...data,
      samples: [{ ...sample, capture: { ...sample.capture!, messages }, results: [{ ...sample.results[0]!, answer: 'x'.repeat(10_000) }] }],
    });
    expect(long).toContain('… 13 earlier messages not shown …');
    expect(long).toContain('message 0<');
    expect(long).not.toContain('message 1<');
    expect(long).toContain('message 19<');
    expect(long).toContain(`${'x'.repeat(4_000)}<span class="muted"> … (6,000 more characters)</span>`);
  });

  it('renders a run without a recommendation or metrics', () => {
    const data = reportData();
    const failed = renderReportHtml({ ...data, run: { ...data.run, status: 'failed', reasons: ['<x>'] }, metrics: [], recommendation: null, samples: [] });
    expect(failed).toContain('No recommendation: the run ended failed (&lt;x&gt;).');
    expect(failed).toContain('No answers were stored for this run.');
  });
});

describe('html', () => {
  it('escapes interpolations, joins arrays, drops null and false, and keeps nested markup', () => {
    const inner = html`<i>${'<a>'}</i>`;
    expect(html`<p title="${`"'\``}">${['<', inner, null, false, 3]}</p>`.value).toBe('<p title="&quot;&#39;&#96;">&lt;<i>&lt;a&gt;</i>3</p>');
  });
});
