// The `switchyard` command line: demo, the long-lived local server, and token management.

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { environmentConfig } from '../cdk/config.js';
import { resolveModel } from '../shared/config/models.js';
import { DEFAULT_SETTINGS } from '../shared/config/settings.js';
import { flattenMessages, normaliseUsage } from '../shared/domain/capture.js';
import { estimateReplay } from '../shared/domain/estimate.js';
import { loadTokenizer } from '../shared/domain/tokens.js';
import type { LlmGateway } from '../shared/ports/index.js';
import { llmGateway } from '../shared/runtime/build/llm.js';
import { CaptureInputSchema } from '../shared/schemas/api.js';
import { classifyLines } from '../shared/use-cases/classify-refusals.js';
import { cascadeOf } from '../shared/use-cases/judge-cascade.js';
import { evaluateJudge } from '../shared/use-cases/judge-eval.js';
import { SwitchyardClient } from './client.js';
import { compare } from './compare.js';
import { runDemo } from './demo.js';
import { importCommand } from './import/command.js';
import { readLabelledPairs } from './labelled-pairs.js';
import { localPlatform, startLlmBackend } from './platform.js';
import { progress } from './progress.js';
import { assertPortFree, DEFAULT_DATA_DIR, listenErrorMessage, lockDataFolder, watchParent } from './server-process.js';
import { LOCAL_TABLE, startLocalStack } from './stack.js';
import { cdkContext } from './synth.js';

const HELP = `switchyard <command> [options]

  demo [--out DIR] [--captures N] [--seed N] [--judge-cascade MODEL|off [--judge-margin X] [--pairwise-escalation on|off]]
        Start the local stack, capture sample traffic, replay it across seven models, print the
        recommendation and write DIR/recommendation.json (default ./switchyard-out). --judge-cascade off: the strong
        judge (gpt-4o) only; MODEL: that cheap judge first (margin default 0.03, pairwise escalation on); absent: the
        deployment's default.
  start [--port N] [--data DIR | --memory] [--schedule-every SECONDS]
        Run the local stack as a long-lived server for curl; prints a bearer token. Keeps its data in DIR (default
        ./.switchyard/data) across restarts, resuming runs that were in flight; --memory keeps nothing.
  token create|list|revoke|rotate --tenant ID (--table NAME | --endpoint URL | --data DIR) [options]
        API tokens with a scope (capture | full) and an optional expiry (--expires 30d), in a deployed table (your AWS
        credentials) or a local stack's. Only the SHA-256 hash of a token's secret is stored. 'switchyard token help'.
  classify-refusals --input FILE|- [--second-opinion [--judge M]]
        Reads JSON lines with "prompt" and "response" (or "completion"); writes one JSON line per input, in order, with "refusal"
        (none | full | partial) and the "signals" that decided it. No LLM is called unless --second-opinion is given:
        then the judge model (your Portkey or provider keys; otherwise the simulator) is asked about borderline verdicts.
  judge-eval --format llmbar|pandalm --file FILE [--judge M] [--limit N] [--cascade CHEAP_MODEL]
        Runs the pairwise judge (both orders) on a human-labelled set and reports agreement with the labels and
        position consistency. Uses your Portkey or provider keys when set; otherwise the local simulator (simulated).
  estimate --captures FILE|- --candidates a,b [--baseline M] [--judge M] [--max-tokens N]
        Estimated provider + judge spend (low / expected / high) of replaying the captures in FILE (JSON lines in
        the POST /v1/captures shape), without calling any model. Against a deployed API use
        POST /v1/replays with "dry_run": true.
  import FILE|- --format openai|portkey|langfuse|switchyard [--api URL] [--token T] [--state PATH] [--restart]
        Streams JSON lines (.gz read as gzip) exported from OpenAI-format logs, Portkey, Langfuse or Switchyard into
        POST /v1/captures in batches of 100. Failed calls are skipped; tool calls and non-text parts are rejected with
        the line number. Resumable (FILE.import-state.json) and idempotent. --api and --token default to
        SWITCHYARD_API and SWITCHYARD_TOKEN. Prints a JSON summary; exit 0 done, 1 failed, 2 bad arguments.
  compare "PROMPT" [--models a,b,c] [--judge M] [--user ID] [--api URL --token T]
        Asks every model (default: the seed's seven; the first is the baseline) through POST /v1/analyze and prints
        their answers side by side with cost, quality and refusal. Without --api it starts a local stack for it.
  report RUN_ID [--out FILE] [--api URL] [--token T]
        Writes a finished replay's HTML report (GET /v1/replays/RUN_ID/report) to FILE (default report.html).
        --api and --token default to SWITCHYARD_API and SWITCHYARD_TOKEN.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demo(rest);
      case 'start':
        return await start(rest);
      case 'token':
        // Loaded on demand: token commands need only the token store (bin/switchyard.mjs also comes straight here).
        return await (await import('./tokens-command.js')).tokenCommand(rest);
      case 'estimate':
        return await estimate(rest);
      case 'classify-refusals':
        return await classifyRefusals(rest);
      case 'judge-eval':
        return await judgeEval(rest);
      case 'import':
        return await importCommand(rest);
      case 'compare':
        return await compare(rest);
      case 'report':
        return await report(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(HELP);
        return command === undefined ? 1 : 0;
      default:
        process.stderr.write(`unknown command "${command}"\n\n${HELP}`);
        return 2;
    }
  } catch (error) {
    process.stderr.write(`switchyard ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string', default: './switchyard-out' },
      captures: { type: 'string', default: '300' },
      seed: { type: 'string', default: '2024' },
      'judge-cascade': { type: 'string' },
      'judge-margin': { type: 'string' },
      'pairwise-escalation': { type: 'string' },
    },
  });
  const captures = Number(values.captures);
  if (!Number.isInteger(captures) || captures < 1 || captures > 5000) throw new Error('--captures: a whole number from 1 to 5000');
  // --judge-cascade MODEL: the cheap judge first; --judge-cascade off: the strong judge only; absent: the default.
  const cascade = values['judge-cascade'];
  const margin = values['judge-margin'] === undefined ? undefined : Number(values['judge-margin']);
  if (margin !== undefined && !(margin >= 0 && margin <= 1)) throw new Error('--judge-margin: a number from 0 to 1');
  const escalation = values['pairwise-escalation'];
  if (escalation !== undefined && escalation !== 'on' && escalation !== 'off') throw new Error('--pairwise-escalation: on or off');
  if ((margin !== undefined || escalation !== undefined) && (cascade === undefined || cascade === 'off'))
    throw new Error('--judge-margin and --pairwise-escalation need --judge-cascade MODEL');
  const judgeCascade =
    cascade === undefined
      ? undefined
      : cascade === 'off'
        ? null
        : {
            cheap_model: cascade,
            ...(margin === undefined ? {} : { margin }),
            ...(escalation === undefined ? {} : { escalate_pairwise: escalation === 'on' }),
          };
  await runDemo({ out: values.out, captures, seed: Number(values.seed), judgeCascade });
  return 0;
}

async function start(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string', default: '8080' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      'schedule-every': { type: 'string' },
    },
  });
  if (values.memory && values.data) throw new Error('--data DIR and --memory exclude each other');
  const apiPort = Number(values.port);
  await assertPortFree(apiPort);
  const dataPath = values.memory ? undefined : path.resolve(values.data ?? DEFAULT_DATA_DIR);
  const unlock = dataPath ? await lockDataFolder(dataPath) : async () => {};
  // Signals and the parent watch are armed before the stack starts, so a stop during startup is not lost.
  let stopRequested!: () => void;
  const stopping = new Promise<void>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = () => {
    stopRequested();
    // A second signal while stopping: give up waiting.
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => process.exit(130));
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, onSignal);
  const unwatch = watchParent(() => {
    process.stderr.write('switchyard start: the process that started this server exited; stopping\n');
    stopRequested();
  });
  let stack: Awaited<ReturnType<typeof startLocalStack>>;
  try {
    // SWITCHYARD_TEMPLATES_FILE: templates synthesized already (tests that spawn the server skip a second synth).
    const templatesFile = process.env.SWITCHYARD_TEMPLATES_FILE;
    stack = await startLocalStack({ apiPort, dataPath, templates: templatesFile ? JSON.parse(await readFile(templatesFile, 'utf8')) : undefined });
  } catch (error) {
    unwatch();
    await unlock();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new Error(listenErrorMessage(apiPort, error as NodeJS.ErrnoException));
    throw error;
  }
  const tokenValue = await stack.createToken('local', 'npm start');
  process.stdout.write(`Switchyard local stack (${stack.mode}) on ${stack.apiUrl}\n`);
  process.stdout.write(
    dataPath
      ? `Data: ${dataPath} (kept across restarts; --memory keeps nothing)\n`
      : 'Data: in memory (--memory): captures, runs and tokens are lost when the server stops\n',
  );
  for (const r of stack.recovered) {
    process.stdout.write(
      `Run ${r.run_id} (tenant ${r.tenant_id}) in flight at the last stop: ${r.action}${r.requeued ? `, ${r.requeued} work items queued again` : ''}${r.reason ? ` (${r.reason})` : ''}\n`,
    );
  }
  process.stdout.write(`Bearer token for tenant "local": ${tokenValue}\n`);
  process.stdout.write(`More tokens: npx switchyard token create --tenant NAME --table ${LOCAL_TABLE} --endpoint ${stack.dynamo.endpoint}\n`);
  process.stdout.write(`Try: curl -s -H "authorization: Bearer ${tokenValue}" ${stack.apiUrl}/v1/replays/run_00000000-0000-0000-0000-000000000000\n`);
  let timer: NodeJS.Timeout | undefined;
  if (values['schedule-every']) {
    // The local EventBridge rule: the dev environment's scheduled replay input, for tenant "local".
    const schedule = environmentConfig(cdkContext()['switchyard:environments'], 'dev').schedule;
    const every = Number(values['schedule-every']) * 1000;
    timer = setInterval(() => {
      stack.runScheduledReplay({ tenant_id: 'local', replay: schedule.replay }).then(
        (r) => process.stdout.write(`scheduled replay: ${JSON.stringify(r)}\n`),
        (e: unknown) => process.stderr.write(`scheduled replay failed: ${String(e)}\n`),
      );
    }, every);
  }
  await stopping;
  unwatch();
  if (timer) clearInterval(timer);
  await stack.stop();
  await unlock();
  return 0;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function estimate(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      captures: { type: 'string' },
      candidates: { type: 'string' },
      baseline: { type: 'string' },
      judge: { type: 'string', default: 'gpt-4o' },
      'max-tokens': { type: 'string', default: '1024' },
    },
  });
  if (!values.captures || !values.candidates) throw new Error('--captures FILE and --candidates a,b are required');
  const captures = (await readInput(values.captures))
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      const parsed = CaptureInputSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`line ${i + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
  const baseline = values.baseline ?? captures[0]?.model;
  const names = [...new Set([baseline, ...values.candidates.split(',')].filter((m): m is string => Boolean(m)))];
  const models = names.map((m) => {
    const spec = resolveModel(m);
    if (!spec) throw new Error(`unknown model "${m}" (use a catalog name or "provider/model")`);
    return spec;
  });
  const judge = resolveModel(values.judge);
  if (!judge) throw new Error(`unknown judge model "${values.judge}"`);
  await loadTokenizer();
  const result = estimateReplay({
    captures: captures.map((c) => ({ messages: flattenMessages(c.messages), completion: c.completion, usage: normaliseUsage(c.usage) })),
    models,
    judge,
    maxTokens: Number(values['max-tokens']),
    baseline,
    // The deployment defaults: pairwise verdicts on a sample, the cheap judge first (see docs/design.md).
    judging: {
      pairwise: DEFAULT_SETTINGS.pairwiseJudging,
      secondOpinions: false,
      confirmation: DEFAULT_SETTINGS.confirmRecommended,
      pairwiseSample: DEFAULT_SETTINGS.pairwiseSample,
      cheapJudge: cascadeOf({ request: { judge_model: judge.id, judge_cascade: undefined } }, DEFAULT_SETTINGS.judgeCascade)?.cheap ?? null,
    },
  });
  process.stdout.write(`${JSON.stringify({ captures: captures.length, models: names, judge_model: values.judge, ...result }, null, 2)}\n`);
  return 0;
}

async function classifyRefusals(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { input: { type: 'string' }, 'second-opinion': { type: 'boolean', default: false }, judge: { type: 'string', default: 'gpt-4o' } },
  });
  if (!values.input) throw new Error('--input FILE (or - for stdin) is required');
  const judge = resolveModel(values.judge);
  if (values['second-opinion'] && !judge) throw new Error(`unknown judge model "${values.judge}"`);
  const source = values.input === '-' ? process.stdin : createReadStream(values.input, 'utf8');
  const llm = values['second-opinion'] ? await judgeGateway() : undefined;
  let failed = 0;
  try {
    if (llm) process.stderr.write(`second opinions from ${judge!.id} (${llm.mode})\n`);
    const opinions = llm ? { llm: llm.gateway, judge: judge!, timeoutMs: 60_000, concurrency: 4 } : undefined;
    // Streams: a chunk of lines at a time, answers written in input order, so any input size runs in bounded memory.
    let chunk: string[] = [];
    let first = 1;
    const flush = async () => {
      const out = await classifyLines(chunk, opinions, first);
      first += chunk.length;
      chunk = [];
      failed += out.filter((o) => 'error' in o).length;
      const text = out
        .map(
          (o) =>
            JSON.stringify('error' in o ? o : { refusal: o.refusal, signals: o.signals, ...(o.second_opinion ? { second_opinion: o.second_opinion } : {}) }) +
            '\n',
        )
        .join('');
      if (text && !process.stdout.write(text)) await once(process.stdout, 'drain');
    };
    for await (const line of createInterface({ input: source, crlfDelay: Infinity })) {
      chunk.push(line);
      if (chunk.length >= 500) await flush();
    }
    await flush();
  } finally {
    await llm?.stop();
  }
  if (failed > 0) process.stderr.write(`${failed} line(s) could not be read\n`);
  return failed > 0 ? 1 : 0;
}

async function judgeEval(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      format: { type: 'string' },
      file: { type: 'string' },
      judge: { type: 'string', default: 'gpt-4o' },
      limit: { type: 'string' },
      cascade: { type: 'string' },
    },
  });
  if (values.format !== 'llmbar' && values.format !== 'pandalm') throw new Error('--format llmbar|pandalm is required');
  if (!values.file) throw new Error('--file is required');
  const judge = resolveModel(values.judge);
  if (!judge) throw new Error(`unknown judge model "${values.judge}"`);
  const cheap = values.cascade ? resolveModel(values.cascade) : undefined;
  if (values.cascade && !cheap) throw new Error(`unknown cascade model "${values.cascade}"`);
  let pairs = readLabelledPairs(values.file, values.format);
  if (values.limit) pairs = pairs.slice(0, Number(values.limit));
  const llm = await judgeGateway();
  try {
    const bar = progress();
    const report = await evaluateJudge(llm.gateway, judge, pairs, 8, (done, total) => bar.update(`Judging pairs (both orders): ${done}/${total}`), cheap);
    bar.done();
    process.stdout.write(`${JSON.stringify({ judge_model: judge.id, format: values.format, mode: llm.mode, ...report })}\n`);
  } finally {
    await llm.stop();
  }
  return 0;
}

async function report(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'report.html' }, api: { type: 'string' }, token: { type: 'string' } },
  });
  const [runId] = positionals;
  const api = values.api ?? process.env.SWITCHYARD_API;
  const bearer = values.token ?? process.env.SWITCHYARD_TOKEN;
  if (!runId || positionals.length > 1) throw new Error('usage: switchyard report RUN_ID [--out FILE] [--api URL] [--token T]');
  if (!api) throw new Error('--api URL (or SWITCHYARD_API) is required: the API base URL, e.g. http://127.0.0.1:8080');
  if (!bearer) throw new Error('--token T (or SWITCHYARD_TOKEN) is required');
  const page = await new SwitchyardClient(api.replace(/\/+$/, ''), bearer).report(runId);
  await writeFile(values.out, page);
  process.stdout.write(`Wrote ${values.out} (${Buffer.byteLength(page).toLocaleString('en-US')} bytes)\n`);
  return 0;
}

/** Real providers when credentials are set; otherwise the simulator behind a local gateway (labelled simulated). */
async function judgeGateway(): Promise<{ gateway: LlmGateway; mode: string; stop: () => Promise<void> }> {
  const backend = await startLlmBackend({ simulator: { latencyScale: 0 } });
  const gateway = await llmGateway(localPlatform({ table: LOCAL_TABLE, gateway: backend.config }));
  return { gateway, mode: backend.mode, stop: () => backend.stop() };
}
