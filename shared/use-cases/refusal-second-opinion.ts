// Asks the judge model about a borderline refusal verdict; keeps the detector's verdict when no usable answer comes back.
import type { ModelSpec } from '../config/models.js';
import type { RefusalVerdict } from '../domain/refusal.js';
import { buildRefusalJudgeMessages, isBorderline, parseRefusalOpinion } from '../domain/refusal-judge.js';
import type { LlmGateway } from '../ports/index.js';

export async function secondOpinion(
  llm: LlmGateway,
  judge: ModelSpec,
  input: { prompt: string; response: string; verdict: RefusalVerdict; trace: { runId: string; captureId: string } },
  timeoutMs: number,
): Promise<RefusalVerdict> {
  if (!isBorderline(input.verdict)) return input.verdict;
  const outcome = await llm.complete({
    model: judge,
    messages: buildRefusalJudgeMessages(input.prompt, input.response),
    maxTokens: 20,
    temperature: 0,
    trace: { ...input.trace, purpose: 'second-opinion' },
    timeoutMs,
  });
  const opinion = outcome.ok ? parseRefusalOpinion(outcome.text) : null;
  if (!opinion) return input.verdict;
  return { refusal: opinion, signals: [...input.verdict.signals, `llm:${opinion}`], confidence: input.verdict.confidence };
}
