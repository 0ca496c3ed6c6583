// Real model text through the real pipeline: a cassette built from MT-Bench answers of five models is served by the
// simulator behind the real Portkey gateway. gpt-4 is the baseline. Models genai-prices does not know cost "unknown".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import { cassetteKey } from '../../local/simulator/server.js';
import type { LocalStack } from '../../local/stack.js';
import { resolveModel } from '../../shared/config/models.js';
import type { ModelMetrics } from '../../shared/domain/metrics.js';
import type { RecommendationRecord } from '../../shared/domain/recommendation.js';
import { readJsonl } from '../helpers/shared-data.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

type Question = { question_id: number; category: string; turns: string[] };
type Answer = { question_id: number; choices: { turns: string[] }[] };

// Switchyard model name → MT-Bench answer file. vicuna and alpaca are not priced by genai-prices.
const MODELS: Record<string, string> = {
  'gpt-4': 'gpt-4',
  'gpt-3.5-turbo': 'gpt-3.5-turbo',
  'anthropic/claude-v1': 'claude-v1',
  'openai/vicuna-13b-v1.3': 'vicuna-13b-v1.3',
  'openai/alpaca-13b': 'alpaca-13b',
};
const QUESTIONS = 24;

let stack: LocalStack;
let client: SwitchyardClient;
let run: Record<string, unknown>;
const answers = new Map<string, Map<number, string>>();
let questions: Question[];

beforeAll(async () => {
  questions = readJsonl<Question>('mt-bench-answers/question.jsonl').slice(0, QUESTIONS);
  const cassette = new Map<string, string>();
  for (const [model, file] of Object.entries(MODELS)) {
    const byQuestion = new Map(readJsonl<Answer>(`mt-bench-answers/model_answer/${file}.jsonl`).map((a) => [a.question_id, a.choices[0]!.turns[0]!]));
    answers.set(model, byQuestion);
    for (const q of questions) cassette.set(cassetteKey(resolveModel(model)!.apiModel, q.turns[0]!), byQuestion.get(q.question_id)!);
  }
  stack = await startTestStack({ simulator: { cassette, latencyScale: 0 } });
  client = await clientFor(stack, 'mtbench');
  const stored = await client.captureAll(
    questions.map((q) => ({
      id: `mt-${q.question_id}`,
      model: 'gpt-4',
      messages: [{ role: 'user' as const, content: q.turns[0]! }],
      completion: answers.get('gpt-4')!.get(q.question_id)!,
      tags: { category: q.category },
    })),
  );
  expect(stored.stored).toBe(QUESTIONS);
  const started = await client.request('POST', '/v1/replays', {
    candidate_models: Object.keys(MODELS).filter((m) => m !== 'gpt-4'),
    captures: { limit: QUESTIONS },
  });
  expect(started.status).toBe(202);
  run = await client.waitForReplay(String(started.body.run_id), { timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a replay served from an MT-Bench cassette through the gateway', () => {
  it('stores the real answers of each model', async () => {
    expect(run.status).toBe('completed');
    for (const model of Object.keys(MODELS)) {
      const page = await stack.deps.results.page(String(run.run_id), model, null, 100);
      expect(page.items).toHaveLength(QUESTIONS);
      for (const r of page.items) {
        const qid = Number(r.capture_id.slice(3));
        expect(r.answer).toBe(answers.get(model)!.get(qid));
        expect(r.usage!.output_tokens).toBeGreaterThan(0);
      }
    }
  });

  it('prices known models and marks the others unknown, never 0', () => {
    const metrics = new Map((run.metrics as ModelMetrics[]).map((m) => [m.model, m]));
    for (const priced of ['gpt-4', 'gpt-3.5-turbo', 'anthropic/claude-v1']) expect(metrics.get(priced)!.cost_usd_total).toBeGreaterThan(0);
    for (const unpriced of ['openai/vicuna-13b-v1.3', 'openai/alpaca-13b']) {
      expect(metrics.get(unpriced)!.cost_known).toBe(false);
      expect(metrics.get(unpriced)!.cost_usd_total).toBeNull();
      expect(metrics.get(unpriced)!.cost_per_1k_requests_usd).toBeNull();
    }
  });

  it('says in the recommendation that no cost comparison was made for unpriced models', () => {
    const record = run.recommendation as RecommendationRecord;
    for (const unpriced of ['openai/vicuna-13b-v1.3', 'openai/alpaca-13b']) {
      const alt = record.alternatives.find((a) => a.model === unpriced)!;
      expect(alt.qualifies).toBe(false);
      expect(alt.projected_cost_saving_percent).toBeNull();
      expect(alt.reason).toMatch(/cost unknown/);
    }
    expect(record.recommended_model).not.toMatch(/vicuna|alpaca/);
  });
});
