// npm run bench:refusal [-- --data DIR] [-- --models a,b] — the refusal detector against XSTest's human labels
// (default ../shared/data/xstest), side by side with the string-match and GPT-4 baselines where their files are present.
// Reads every model whose completion files are in the folder (upstream file names); models other than the two it was
// developed on are also scored together as "unseen". Prints one JSON object as its last line.
// The detector never sees the labels or the prompt's safety type; it reads only the response text.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { detectRefusal, type RefusalClass } from '../shared/domain/refusal.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, models: { type: 'string' } } });
const XSTEST = path.resolve(values.data ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'data', 'xstest'));
const LABELS = path.join(XSTEST, 'automated_evaluation_labels');
const COMPLETIONS = path.join(XSTEST, 'model_completions');
/** The models the detector was developed on; any other model's file in the folder counts as unseen. */
const DEV_MODELS = ['llama2orig', 'mistralinstruct'];

type Row = { id: string; type: string; prompt: string; completion: string; final_label: string; strmatch_label?: string; gpt4_label?: string };
const read = (file: string): Row[] => (existsSync(file) ? (parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[]) : []);
const filesIn = (dir: string, pattern: RegExp): string[] => (existsSync(dir) ? readdirSync(dir).flatMap((f) => f.match(pattern)?.[1] ?? []) : []);

// Every model with labelled completions in the folder (the upstream file names), or the ones asked for.
const discovered = [
  ...new Set([...filesIn(COMPLETIONS, /^xstest_v2_completions_(.+)\.csv$/), ...filesIn(LABELS, /^xstest_v2_completions_(.+)_streval\.csv$/)]),
].sort();
const MODELS = values.models ? values.models.split(',') : discovered;
if (MODELS.length === 0) throw new Error(`no XSTest completion files under ${XSTEST}`);

const toClass = (label: string | undefined): RefusalClass | null =>
  label === '1_full_compliance' ? 'none' : label === '2_full_refusal' ? 'full' : label === '3_partial_refusal' ? 'partial' : null;

type Score = { n: number; binary: number; three_class: number };
const score = (pairs: [RefusalClass, RefusalClass | null][]): Score | null => {
  if (pairs.length === 0) return null;
  let binary = 0;
  let three = 0;
  for (const [truth, guess] of pairs) {
    const g = guess ?? 'none'; // an unusable baseline label is read as compliance
    if ((truth === 'none') === (g === 'none')) binary++;
    if (truth === g) three++;
  }
  return { n: pairs.length, binary: Number((binary / pairs.length).toFixed(4)), three_class: Number((three / pairs.length).toFixed(4)) };
};

type Pairs = [RefusalClass, RefusalClass | null][];
const perModel: Record<string, { detector: Score | null; strmatch: Score | null; gpt4: Score | null; confusion: Record<string, number> }> = {};
const pooled = { detector: [] as Pairs, unseen: [] as Pairs, strmatch: [] as Pairs, gpt4: [] as Pairs };
for (const model of MODELS) {
  const completions = read(path.join(COMPLETIONS, `xstest_v2_completions_${model}.csv`));
  const str = read(path.join(LABELS, `xstest_v2_completions_${model}_streval.csv`));
  const gpt = read(path.join(LABELS, `xstest_v2_completions_${model}_gpteval.csv`));
  const rows = completions.length > 0 ? completions : str.length > 0 ? str : gpt;
  const strById = new Map(str.map((r) => [r.id, r.strmatch_label]));
  const gptById = new Map(gpt.map((r) => [r.id, r.gpt4_label]));
  const det: Pairs = [];
  const sm: Pairs = [];
  const g4: Pairs = [];
  const confusion: Record<string, number> = {};
  for (const row of rows) {
    const truth = toClass(row.final_label);
    if (!truth) continue;
    const guess = detectRefusal({ text: row.completion }).refusal;
    det.push([truth, guess]);
    if (strById.has(row.id)) sm.push([truth, toClass(strById.get(row.id))]);
    if (gptById.has(row.id)) g4.push([truth, toClass(gptById.get(row.id))]);
    confusion[`${truth}->${guess}`] = (confusion[`${truth}->${guess}`] ?? 0) + 1;
  }
  perModel[model] = { detector: score(det), strmatch: score(sm), gpt4: score(g4), confusion };
  pooled.detector.push(...det);
  if (!DEV_MODELS.includes(model)) pooled.unseen.push(...det);
  pooled.strmatch.push(...sm);
  pooled.gpt4.push(...g4);
}

// Generalisation check on models the detector was never developed on: answers of 30+ other models to benign
// prompts (MT-Bench first turns, LLMBar and PandaLM outputs). There are no refusal labels here, so the flagged share
// is an upper bound on the false-positive rate (a few of these answers really are refusals, e.g. declined role-play).
const SHARED = path.resolve(XSTEST, '..');
const readJson = (file: string): unknown[] => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown[]) : []);
const benign: string[] = [];
const mtb = path.join(SHARED, 'mt-bench-answers', 'model_answer');
for (const f of existsSync(mtb) ? readdirSync(mtb) : []) {
  for (const line of readFileSync(path.join(mtb, f), 'utf8').split('\n')) {
    if (line.trim()) benign.push((JSON.parse(line) as { choices: { turns: string[] }[] }).choices[0]!.turns[0]!);
  }
}
for (const r of readJson(path.join(SHARED, 'pandalm-testset', 'testset-v1.json')) as { response1: unknown; response2: unknown }[]) {
  for (const t of [r.response1, r.response2]) if (typeof t === 'string') benign.push(t);
}
for (const sub of ['Natural', 'Adversarial/GPTInst', 'Adversarial/GPTOut', 'Adversarial/Manual', 'Adversarial/Neighbor']) {
  for (const r of readJson(path.join(SHARED, 'llmbar', 'LLMBar', sub, 'dataset.json')) as { output_1: unknown; output_2: unknown }[]) {
    for (const t of [r.output_1, r.output_2]) if (typeof t === 'string') benign.push(t);
  }
}
const flagged = benign.filter((text) => detectRefusal({ text }).refusal !== 'none').length;

const overall = { detector: score(pooled.detector)!, unseen: score(pooled.unseen), strmatch: score(pooled.strmatch), gpt4: score(pooled.gpt4) };
const unseenModels = MODELS.filter((m) => !DEV_MODELS.includes(m));
console.log(JSON.stringify({ bench: 'refusal', dataset: XSTEST, models: MODELS, per_model: perModel }, null, 1));
console.log(
  JSON.stringify({
    bench: 'refusal',
    models: MODELS,
    n: overall.detector.n,
    binary_accuracy: overall.detector.binary,
    three_class_accuracy: overall.detector.three_class,
    // Models other than the two the detector was developed on, when their files are in the folder.
    unseen_models: unseenModels,
    unseen_binary_accuracy: overall.unseen?.binary ?? null,
    unseen_three_class_accuracy: overall.unseen?.three_class ?? null,
    strmatch_binary_accuracy: overall.strmatch?.binary ?? null,
    gpt4_binary_accuracy: overall.gpt4?.binary ?? null,
    gpt4_three_class_accuracy: overall.gpt4?.three_class ?? null,
    per_model_binary: Object.fromEntries(MODELS.map((m) => [m, perModel[m]!.detector?.binary ?? null])),
    benign_answers_other_models: benign.length,
    benign_flagged_rate: benign.length ? Number((flagged / benign.length).toFixed(4)) : null,
  }),
);
