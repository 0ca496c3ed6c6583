// `switchyard classify-refusals`: one verdict per JSON line, in order; an optional LLM second opinion for borderline ones.

import type { ModelSpec } from '../config/models.js';
import { detectRefusal, type RefusalClass } from '../domain/refusal.js';
import { isBorderline } from '../domain/refusal-judge.js';
import type { LlmGateway } from '../ports/index.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { secondOpinion } from './refusal-second-opinion.js';

// `response`, or `completion` (the column name of XSTest and many other evaluation sets).
const Line = onFirstUse(() =>
  z.pipe(
    z.object({
      prompt: z.optional(z.string()),
      response: z.optional(z.string()),
      completion: z.optional(z.string()),
      finish_reason: z.optional(z.nullable(z.string())),
      refusal: z.optional(z.nullable(z.string())),
      stop_reason: z.optional(z.nullable(z.string())),
    }),
    z.transform((l, ctx) => {
      const response = l.response ?? l.completion;
      if (typeof response === 'string') return { ...l, response };
      ctx.issues.push({ code: 'custom', message: 'Invalid input', input: l });
      return z.NEVER;
    }),
  ),
);

export type ClassifiedLine =
  | { line: number; refusal: RefusalClass; signals: string[]; confidence?: number; second_opinion?: RefusalClass | 'unavailable' }
  | { line: number; error: string };

export type SecondOpinionJudge = { llm: LlmGateway; judge: ModelSpec; timeoutMs: number; concurrency: number };

/** Classifies lines (numbered from `firstLine`); blank lines are skipped, unreadable ones answered with an error. */
export async function classifyLines(lines: readonly string[], judge?: SecondOpinionJudge, firstLine = 1): Promise<ClassifiedLine[]> {
  const out: ClassifiedLine[] = [];
  const inputs = new Map<number, { prompt: string; response: string }>();
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      raw = undefined;
    }
    const parsed = Line.safeParse(raw);
    if (!parsed.success) {
      out.push({ line: firstLine + i, error: 'expected a JSON object with a string "response" (or "completion")' });
      continue;
    }
    const d = parsed.data;
    const v = detectRefusal({ text: d.response, finishReason: d.finish_reason, refusalField: d.refusal, stopReason: d.stop_reason, prompt: d.prompt });
    out.push({ line: firstLine + i, refusal: v.refusal, signals: v.signals, confidence: v.confidence });
    if (judge) inputs.set(firstLine + i, { prompt: d.prompt ?? '', response: d.response });
  }
  if (judge) await askSecondOpinions(inputs, out, judge);
  return out;
}

async function askSecondOpinions(inputs: Map<number, { prompt: string; response: string }>, out: ClassifiedLine[], judge: SecondOpinionJudge): Promise<void> {
  const queue = out.filter((o): o is Extract<ClassifiedLine, { refusal: RefusalClass }> => 'refusal' in o);
  const worker = async () => {
    for (let o = queue.shift(); o; o = queue.shift()) {
      const { prompt, response } = inputs.get(o.line)!;
      const verdict = { refusal: o.refusal, signals: o.signals, confidence: o.confidence };
      if (!isBorderline(verdict)) continue;
      const next = await secondOpinion(
        judge.llm,
        judge.judge,
        { prompt, response, verdict, trace: { runId: 'classify-refusals', captureId: `line-${o.line}` } },
        judge.timeoutMs,
      );
      const asked = next.signals.find((s) => s.startsWith('llm:'));
      o.second_opinion = asked ? (asked.slice(4) as RefusalClass) : 'unavailable';
      o.refusal = next.refusal;
      o.signals = next.signals;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, judge.concurrency) }, worker));
}
