// Readers for labelled pairwise sets: the LLMBar format and the PandaLM test-set format.
import { readFileSync } from 'node:fs';
import * as z from '../shared/schemas/zod.js';
import type { LabelledPair } from '../shared/use-cases/judge-eval.js';

const LlmBarItem = z.object({ input: z.string(), output_1: z.string(), output_2: z.string(), label: z.union([z.literal(1), z.literal(2)]) });
// Some PandaLM answers are bare JSON booleans or numbers ("True"): read them as the text they were.
const Text = z.pipe(z.union([z.string(), z.boolean(), z.number()]), z.transform(String));
const PandaItem = z.object({
  idx: z.number(),
  instruction: Text,
  input: Text,
  response1: Text,
  response2: Text,
  annotator1: z.number(),
  annotator2: z.number(),
  annotator3: z.number(),
});

export type PairFormat = 'llmbar' | 'pandalm';

export function readLabelledPairs(file: string, format: PairFormat): LabelledPair[] {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (format === 'llmbar') {
    return z
      .array(LlmBarItem)
      .parse(raw)
      .map((item, i) => ({
        id: `llmbar-${i}`,
        conversation: [{ role: 'user', content: item.input }],
        a: item.output_1,
        b: item.output_2,
        label: item.label === 1 ? 'A' : 'B',
      }));
  }
  return z
    .array(PandaItem)
    .parse(raw)
    .map((item) => {
      const votes = [item.annotator1, item.annotator2, item.annotator3];
      const count = (v: number) => votes.filter((x) => x === v).length;
      const label = count(1) >= 2 ? 'A' : count(2) >= 2 ? 'B' : 'tie';
      return {
        id: `pandalm-${item.idx}`,
        conversation: [{ role: 'user', content: item.input ? `${item.instruction}\n\n${item.input}` : item.instruction }],
        a: item.response1,
        b: item.response2,
        label,
      };
    });
}
