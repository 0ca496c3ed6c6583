// The simulator's judged truth must not depend on the order the answers were produced in: the same seed has to give
// the same record, whichever worker happened to call first. Different prompts can get the very same answer text (a
// refusal is one of a few sentences), so a truth keyed on the text alone is decided by whichever call came last.
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../../local/sample-traffic.js';
import { isHarmfulPrompt } from '../../../local/simulator/profiles.js';
import { ProviderSimulator } from '../../../local/simulator/server.js';
import { resolveModel } from '../../../shared/config/models.js';
import { buildRubricJudgeMessages, type ChatMessage } from '../../../shared/domain/judge.js';
import { buildPairwiseJudgeMessages } from '../../../shared/domain/pairwise.js';

const MODEL = resolveModel('gpt-4o-mini')!.apiModel;
const JUDGE = resolveModel('gpt-4o')!.apiModel;
const traffic = sampleTraffic({ count: 300, seed: 5 }).map((c) => c.messages as ChatMessage[]);

async function call(sim: ProviderSimulator, model: string, messages: readonly ChatMessage[]): Promise<string> {
  const response = await fetch(`${sim.hostFor('openai')}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.keyFor('openai')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages, max_tokens: 1024 }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { choices: { message: { content: string | null; refusal: string | null } }[] };
  const message = body.choices[0]!.message;
  return message.content ?? message.refusal ?? '';
}

/** Answers every prompt in the given order, then judges every answer (rubric and pairwise) in prompt order. */
async function verdicts(order: number[]): Promise<{ answers: string[]; rubric: string[]; pairwise: string[] }> {
  const sim = await new ProviderSimulator({ latencyScale: 0, seed: 3 }).start();
  try {
    const answers: string[] = [];
    for (const i of order) answers[i] = await call(sim, MODEL, traffic[i]!);
    const rubric: string[] = [];
    const pairwise: string[] = [];
    for (const [i, messages] of traffic.entries()) {
      rubric.push(await call(sim, JUDGE, buildRubricJudgeMessages(messages, answers[i]!)));
      const other = answers[(i + 1) % answers.length]!;
      pairwise.push(await call(sim, JUDGE, buildPairwiseJudgeMessages(messages, answers[i]!, other)));
    }
    return { answers, rubric, pairwise };
  } finally {
    await sim.stop();
  }
}

let forward: Awaited<ReturnType<typeof verdicts>>;
let backward: Awaited<ReturnType<typeof verdicts>>;

beforeAll(async () => {
  const indices = traffic.map((_, i) => i);
  forward = await verdicts(indices);
  backward = await verdicts([...indices].reverse());
}, 60_000);

describe('the provider simulator', () => {
  it('gives the same answers whatever the order of the calls', () => {
    expect(backward.answers).toEqual(forward.answers);
  });

  it('shares answer texts between prompts (the case that made the truth depend on call order)', () => {
    const byText = new Map<string, Set<boolean>>();
    for (const [i, a] of forward.answers.entries()) {
      const user = String(traffic[i]!.at(-1)!.content);
      byText.set(a, (byText.get(a) ?? new Set()).add(isHarmfulPrompt(user)));
    }
    // one refusal text answering both a harmful and a benign prompt
    expect([...byText.values()].some((s) => s.size === 2)).toBe(true);
  });

  it('judges every answer the same whatever order the answers were produced in', () => {
    expect(backward.rubric).toEqual(forward.rubric);
    expect(backward.pairwise).toEqual(forward.pairwise);
  });

  it('grades the same refusal text by its prompt: a justified refusal above an over-refusal', () => {
    const score = (v: string) => {
      const j = JSON.parse(v) as { accuracy: number; relevance: number; clarity: number };
      return (j.accuracy + j.relevance + j.clarity) / 3;
    };
    const shared = new Map<string, { harmful: number[]; benign: number[] }>();
    for (const [i, a] of forward.answers.entries()) {
      const entry = shared.get(a) ?? { harmful: [], benign: [] };
      (isHarmfulPrompt(String(traffic[i]!.at(-1)!.content)) ? entry.harmful : entry.benign).push(score(forward.rubric[i]!));
      shared.set(a, entry);
    }
    const both = [...shared.values()].filter((e) => e.harmful.length > 0 && e.benign.length > 0);
    expect(both.length).toBeGreaterThan(0);
    for (const e of both) expect(Math.min(...e.harmful)).toBeGreaterThan(Math.max(...e.benign));
  });
});
