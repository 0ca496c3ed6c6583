// npm run bench:refusal [-- --data DIR] [-- --models a,b] [-- --ablation] — the refusal detector against XSTest's human labels
// (default ../shared/data/xstest), side by side with the string-match and GPT-4 baselines where their files are present.
// Reads every model whose completion files are in the folder (upstream file names); models other than the two it was
// developed on are also scored together as "unseen". Prints one JSON object as its last line.
// The detector never sees the labels or the prompt's safety type; it reads the response text and the prompt's text.
// Beside the pooled figure it reports leave-one-model-out accuracy on the development models (the tuning numbers are
// chosen on one model and the other is scored with them), the false-refusal rate on benign answers of 30+ other
// models, the share of answers that would go to the LLM second opinion, and with --ablation the accuracy with each cue off.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import {
  DEFAULT_TUNING,
  detectRefusal,
  REFUSAL_CUES,
  type RefusalClass,
  type RefusalCue,
  type RefusalOptions,
  type RefusalTuning,
  SECOND_OPINION_BELOW,
} from '../shared/domain/refusal.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, models: { type: 'string' }, ablation: { type: 'boolean', default: false } } });
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
type DevRow = { model: string; prompt: string; text: string; truth: RefusalClass };
const devRows: DevRow[] = [];
let lowConfidence = 0;
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
    const verdict = detectRefusal({ text: row.completion, prompt: row.prompt });
    const guess = verdict.refusal;
    if ((verdict.confidence ?? 1) < SECOND_OPINION_BELOW) lowConfidence++;
    if (DEV_MODELS.includes(model)) devRows.push({ model, prompt: row.prompt, text: row.completion, truth });
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
const benign: { text: string; prompt?: string }[] = [];
const mtb = path.join(SHARED, 'mt-bench-answers', 'model_answer');
const mtQuestions = new Map<number, string>();
const questions = path.join(SHARED, 'mt-bench-answers', 'question.jsonl');
for (const line of existsSync(questions) ? readFileSync(questions, 'utf8').split('\n') : []) {
  if (line.trim()) {
    const q = JSON.parse(line) as { question_id: number; turns: string[] };
    mtQuestions.set(q.question_id, q.turns[0]!);
  }
}
for (const f of existsSync(mtb) ? readdirSync(mtb) : []) {
  for (const line of readFileSync(path.join(mtb, f), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const a = JSON.parse(line) as { question_id: number; choices: { turns: string[] }[] };
    benign.push({ text: a.choices[0]!.turns[0]!, prompt: mtQuestions.get(a.question_id) });
  }
}
for (const r of readJson(path.join(SHARED, 'pandalm-testset', 'testset-v1.json')) as {
  instruction?: string;
  input?: string;
  response1: unknown;
  response2: unknown;
}[]) {
  const prompt = [r.instruction, r.input].filter(Boolean).join('\n');
  for (const t of [r.response1, r.response2]) if (typeof t === 'string') benign.push({ text: t, prompt });
}
for (const sub of ['Natural', 'Adversarial/GPTInst', 'Adversarial/GPTOut', 'Adversarial/Manual', 'Adversarial/Neighbor']) {
  for (const r of readJson(path.join(SHARED, 'llmbar', 'LLMBar', sub, 'dataset.json')) as { input?: string; output_1: unknown; output_2: unknown }[]) {
    for (const t of [r.output_1, r.output_2]) if (typeof t === 'string') benign.push({ text: t, prompt: r.input });
  }
}
const benignVerdicts = benign.map((b) => detectRefusal(b));
const flagged = benignVerdicts.filter((v) => v.refusal !== 'none').length;
const benignLow = benignVerdicts.filter((v) => (v.confidence ?? 1) < SECOND_OPINION_BELOW).length;

// Leave one model out: choose the tuning numbers on one development model, score the other with them.
const scoreRows = (rows: readonly DevRow[], options: RefusalOptions): Score =>
  score(rows.map((r) => [r.truth, detectRefusal({ text: r.text, prompt: r.prompt }, options).refusal]))!;
const GRID: RefusalTuning[] = [];
for (const lectureShare of [0.4, 0.5, 0.6, 0.7, 0.8])
  for (const taskChars of [100, 150, 250])
    for (const answerBeforeLateDecline of [100, 200, 400]) GRID.push({ lectureShare, taskChars, answerBeforeLateDecline });
const lomo: Record<string, { tuned_on: string; tuning: RefusalTuning; binary: number; three_class: number }> = {};
const devModels = DEV_MODELS.filter((m) => devRows.some((r) => r.model === m));
if (devModels.length === 2) {
  for (const held of devModels) {
    const train = devRows.filter((r) => r.model !== held);
    let best = { tuning: DEFAULT_TUNING, fit: -1 };
    for (const tuning of GRID) {
      const sc = scoreRows(train, { tuning });
      const fit = sc.binary + sc.three_class / 1000; // binary first; 3-class breaks ties
      if (fit > best.fit) best = { tuning, fit };
    }
    const sc = scoreRows(
      devRows.filter((r) => r.model === held),
      { tuning: best.tuning },
    );
    lomo[held] = { tuned_on: devModels.find((m) => m !== held)!, tuning: best.tuning, binary: sc.binary, three_class: sc.three_class };
  }
}

// Ablation: pooled development accuracy with each cue switched off.
const ablation: Record<string, { binary: number; three_class: number }> = {};
if (values.ablation && devRows.length > 0) {
  const all = scoreRows(devRows, {});
  ablation.all_cues = { binary: all.binary, three_class: all.three_class };
  for (const cue of REFUSAL_CUES) {
    const sc = scoreRows(devRows, { disabled: [cue as RefusalCue] });
    ablation[`${cue}_off`] = { binary: sc.binary, three_class: sc.three_class };
  }
}

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
    lomo_binary: Object.fromEntries(Object.entries(lomo).map(([m, r]) => [m, r.binary])),
    lomo_three_class: Object.fromEntries(Object.entries(lomo).map(([m, r]) => [m, r.three_class])),
    lomo_tuning: Object.fromEntries(Object.entries(lomo).map(([m, r]) => [m, { tuned_on: r.tuned_on, ...r.tuning }])),
    // Answers whose confidence is below the threshold go to the LLM second opinion when one is configured.
    second_opinion_share: Number((lowConfidence / Math.max(1, overall.detector.n)).toFixed(4)),
    benign_second_opinion_share: benign.length ? Number((benignLow / benign.length).toFixed(4)) : null,
    ...(values.ablation ? { ablation } : {}),
  }),
);
