// The report's sample of prompts: each capture's messages, then every model's answer side by side with the judge's
// verdicts (quality, rubric scores, pairwise against the baseline) and the refusal verdict with its signals.
import type { ChatMessage } from '../domain/capture.js';
import type { ReplayResult } from '../domain/result.js';
import { html, type Markup } from './html.js';

/** What the sample shows of a capture (user-supplied text, escaped on output). */
export type SampleCapture = { id: string; model: string; messages: ChatMessage[]; completion: string; tags: Record<string, string>; user?: string | null };

/** One sampled prompt: its capture (null when it has expired) and each model's stored result. */
export type ReportSample = { capture_id: string; capture: SampleCapture | null; results: ReplayResult[] };

/** Longest text shown per message or answer, and the most messages shown per prompt: the page stays small whatever was captured. */
export const MAX_TEXT_CHARS = 4_000;
export const MAX_MESSAGES = 7;

function clip(text: string): Markup {
  if (text.length <= MAX_TEXT_CHARS) return html`${text}`;
  return html`${text.slice(0, MAX_TEXT_CHARS)}<span class="muted"> … (${(text.length - MAX_TEXT_CHARS).toLocaleString('en-US')} more characters)</span>`;
}

const score = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(2) : '—');
const qualityClass = (x: number | null | undefined) => (typeof x !== 'number' ? '' : x >= 0.7 ? 'good' : x >= 0.4 ? 'warn' : 'bad');

function verdicts(r: ReplayResult, isBaseline: boolean): Markup {
  const judged =
    r.judge_status === 'scored'
      ? html`<span class="pill ${qualityClass(r.quality)}">quality ${score(r.quality)}</span>${r.judge ? html` <span class="muted">accuracy ${score(r.judge.accuracy)} · relevance ${score(r.judge.relevance)} · clarity ${score(r.judge.clarity)}</span>${r.judge.rationale ? html`<br><span class="muted">judge: ${r.judge.rationale}</span>` : null}` : null}`
      : r.judge_status === 'unscored'
        ? html`<span class="pill warn">judge answer unusable (unscored)</span>`
        : html`<span class="pill">not judged</span>`;
  const pairwise = !isBaseline && r.pairwise ? html`<div>vs baseline: <strong>${r.pairwise}</strong> (both orders)</div>` : null;
  const refusal =
    r.refusal === 'none'
      ? html`<div>refusal: none</div>`
      : html`<div>refusal: <span class="pill bad">${r.refusal}</span>${r.refusal_signals.length ? html` <span class="muted">${r.refusal_signals.join(', ')}</span>` : null}</div>`;
  const problem =
    r.status === 'error' || r.status === 'skipped'
      ? html`<div><span class="pill bad">${r.status}</span> ${r.error_kind ?? ''}${r.error_status ? ` (HTTP ${r.error_status})` : ''}</div>`
      : r.status === 'guardrail_blocked'
        ? html`<div><span class="pill bad">guardrail blocked</span> ${r.guardrail_checks.join(', ')}</div>`
        : null;
  return html`<div class="verdicts"><div>${judged}</div>${pairwise}${refusal}${problem}</div>`;
}

function answerCard(model: string, result: ReplayResult | undefined, role: string): Markup {
  if (!result)
    return html`<div class="answer"><div class="answer-head"><strong>${model}</strong> <span class="role">${role}</span></div><p class="muted">no result stored</p></div>`;
  const meta = [
    result.cost_usd === null ? 'cost unknown' : `$${result.cost_usd.toFixed(5)}`,
    result.latency_ms === null ? null : `${Math.round(result.latency_ms).toLocaleString('en-US')} ms`,
    result.usage ? `${result.usage.input_tokens} → ${result.usage.output_tokens} tokens` : null,
  ].filter(Boolean);
  return html`<div class="answer"><div class="answer-head"><strong>${model}</strong> <span class="role">${role}</span><div class="muted">${meta.join(' · ')}</div></div>${verdicts(result, role === 'baseline')}<div class="text">${result.answer ? clip(result.answer) : html`<span class="muted">(empty answer)</span>`}</div></div>`;
}

/** The first message (often the system prompt) and the last ones, with what was left out said. */
function conversation(messages: readonly ChatMessage[]): Markup {
  const row = (m: ChatMessage) => html`<div class="message"><span class="msg-role">${m.role}</span><div class="text">${clip(m.content)}</div></div>`;
  if (messages.length <= MAX_MESSAGES) return html`${messages.map(row)}`;
  const omitted = messages.length - MAX_MESSAGES;
  return html`${row(messages[0] as ChatMessage)}<p class="muted">… ${omitted} earlier message${omitted === 1 ? '' : 's'} not shown …</p>${messages.slice(-(MAX_MESSAGES - 1)).map(row)}`;
}

export function samplesSection(samples: readonly ReportSample[], models: readonly string[], baseline: string, recommended: string | null): Markup {
  if (samples.length === 0) return html`<p class="muted">No answers were stored for this run.</p>`;
  return html`${samples.map((s, i) => {
    const c = s.capture;
    const byModel = new Map(s.results.map((r) => [r.model, r]));
    const tags = c ? Object.entries(c.tags).map(([k, v]) => `${k}=${v}`) : [];
    const messages = c ? conversation(c.messages) : html`<p class="muted">The capture is no longer stored (retention); its answers are below.</p>`;
    const captured = c
      ? html`<div class="answer captured"><div class="answer-head"><strong>${c.model}</strong> <span class="role">captured in production</span></div><div class="text">${clip(c.completion)}</div></div>`
      : null;
    const role = (m: string) => (m === baseline ? 'baseline' : m === recommended ? 'recommended' : 'candidate');
    return html`<article class="sample"><h3>Prompt ${i + 1} <span class="muted">capture ${s.capture_id}${tags.length ? ` · ${tags.join(', ')}` : ''}${c?.user ? ` · user ${c.user}` : ''}</span></h3>
<div class="messages">${messages}</div>
<div class="answers">${captured}${models.map((m) => answerCard(m, byModel.get(m), role(m)))}</div></article>`;
  })}`;
}
