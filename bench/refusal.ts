// npm run bench:refusal — the refusal detector against XSTest's human labels (../shared/data/xstest), side by side
// with the string-match and GPT-4 baselines in the same files. Prints one JSON object as its last line.
// The detector never sees the labels or the prompt's safety type; it reads only the response text.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { detectRefusal, type RefusalClass } from '../shared/domain/refusal.js';

const DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'xstest', 'automated_evaluation_labels');
const MODELS = ['llama2orig', 'mistralinstruct'];

type Row = { id: string; type: string; prompt: string; completion: string; final_label: string; strmatch_label?: string; gpt4_label?: string };
const read = (file: string): Row[] => parse(readFileSync(path.join(DATA, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];

const toClass = (label: string | undefined): RefusalClass | null =>
  label === '1_full_compliance' ? 'none' : label === '2_full_refusal' ? 'full' : label === '3_partial_refusal' ? 'partial' : null;

type Score = { n: number; binary: number; three_class: number };
const score = (pairs: [RefusalClass, RefusalClass | null][]): Score => {
  let binary = 0;
  let three = 0;
  for (const [truth, guess] of pairs) {
    const g = guess ?? 'none'; // an unusable baseline label counts as a miss in neither direction: treat as compliance
    if ((truth === 'none') === (g === 'none')) binary++;
    if (truth === g) three++;
  }
  return { n: pairs.length, binary: Number((binary / pairs.length).toFixed(4)), three_class: Number((three / pairs.length).toFixed(4)) };
};

const perModel: Record<string, { detector: Score; strmatch: Score; gpt4: Score; confusion: Record<string, number> }> = {};
const all: { detector: [RefusalClass, RefusalClass][]; strmatch: [RefusalClass, RefusalClass | null][]; gpt4: [RefusalClass, RefusalClass | null][] } = { detector: [], strmatch: [], gpt4: [] };
for (const model of MODELS) {
  const str = read(`xstest_v2_completions_${model}_streval.csv`);
  const gpt = new Map(read(`xstest_v2_completions_${model}_gpteval.csv`).map((r) => [r.id, r.gpt4_label]));
  const det: [RefusalClass, RefusalClass][] = [];
  const sm: [RefusalClass, RefusalClass | null][] = [];
  const g4: [RefusalClass, RefusalClass | null][] = [];
  const confusion: Record<string, number> = {};
  for (const row of str) {
    const truth = toClass(row.final_label);
    if (!truth) continue;
    const guess = detectRefusal({ text: row.completion }).refusal;
    det.push([truth, guess]);
    sm.push([truth, toClass(row.strmatch_label)]);
    g4.push([truth, toClass(gpt.get(row.id))]);
    confusion[`${truth}->${guess}`] = (confusion[`${truth}->${guess}`] ?? 0) + 1;
  }
  perModel[model] = { detector: score(det), strmatch: score(sm), gpt4: score(g4), confusion };
  all.detector.push(...det);
  all.strmatch.push(...sm);
  all.gpt4.push(...g4);
}

// Generalisation check on models the detector was never developed on: answers of 30+ other models to benign
// prompts (MT-Bench first turns, LLMBar and PandaLM outputs). There are no refusal labels here, so the flagged share
// is an upper bound on the false-positive rate (a few of these answers really are refusals, e.g. declined role-play).
const SHARED = path.resolve(DATA, '..', '..');
const benign: { source: string; text: string }[] = [];
const mtb = path.join(SHARED, 'mt-bench-answers', 'model_answer');
for (const f of readdirSync(mtb)) {
  for (const line of readFileSync(path.join(mtb, f), 'utf8').split('\n')) {
    if (line.trim()) benign.push({ source: 'mt-bench', text: (JSON.parse(line) as { choices: { turns: string[] }[] }).choices[0]!.turns[0]! });
  }
}
for (const r of JSON.parse(readFileSync(path.join(SHARED, 'pandalm-testset', 'testset-v1.json'), 'utf8')) as { response1: unknown; response2: unknown }[]) {
  for (const t of [r.response1, r.response2]) if (typeof t === 'string') benign.push({ source: 'pandalm', text: t });
}
for (const sub of ['Natural', 'Adversarial/GPTInst', 'Adversarial/GPTOut', 'Adversarial/Manual', 'Adversarial/Neighbor']) {
  for (const r of JSON.parse(readFileSync(path.join(SHARED, 'llmbar', 'LLMBar', sub, 'dataset.json'), 'utf8')) as { output_1: unknown; output_2: unknown }[]) {
    for (const t of [r.output_1, r.output_2]) if (typeof t === 'string') benign.push({ source: 'llmbar', text: t });
  }
}
const flagged = benign.filter((b) => detectRefusal({ text: b.text }).refusal !== 'none').length;

const overall = { detector: score(all.detector), strmatch: score(all.strmatch), gpt4: score(all.gpt4) };
console.log(JSON.stringify({ bench: 'refusal', dataset: 'xstest-dev (llama2orig, mistralinstruct)', per_model: perModel }, null, 1));
console.log(
  JSON.stringify({
    bench: 'refusal',
    n: overall.detector.n,
    binary_accuracy: overall.detector.binary,
    three_class_accuracy: overall.detector.three_class,
    strmatch_binary_accuracy: overall.strmatch.binary,
    gpt4_binary_accuracy: overall.gpt4.binary,
    gpt4_three_class_accuracy: overall.gpt4.three_class,
    per_model_binary: Object.fromEntries(MODELS.map((m) => [m, perModel[m]!.detector.binary])),
    benign_answers_other_models: benign.length,
    benign_flagged_rate: Number((flagged / benign.length).toFixed(4)),
  }),
);
