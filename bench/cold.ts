// npm run bench:cold — each function's cold import, measured side by side with an anchor bundle that holds only the
// DynamoDB client + DocumentClient (bench/cold/anchor.ts). Bundles are built exactly as CDK builds them
// (local/bundle.ts, cdk/constructs/app-function.ts); each import runs in a fresh `node` with the function's
// NODE_OPTIONS, timed inside the process (so net of node's own start), targets interleaved run after run, medians.
// The AWS SDK is bundled as CDK bundles it; `--sdk external` imports the runtime's copy instead; `--sdk both` measures the two.
// Node runs with the functions' NODE_OPTIONS (AppFunction's nodeOptions: no source maps by default; `--source-maps` measures
// the environments that turn them on), the anchor with the same. `--invoke` also times import + one first invocation
// (FIRST_EVENTS) against an endpoint that refuses connections: what a cold start pays in all, lazy loads included.
// Prints a table, then one JSON line last: { functions: [{ name, bytes, import_ms, ratio, cpu_ms, cpu_ratio, (first_ms,
// first_ratio) }], anchor: { import_ms, cpu_ms }, max_ratio, max_cpu_ratio } (CPU time of the importing process: steadier
// than wall time when the machine is loaded).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeOptions } from '../cdk/constructs/app-function.js';
import { bundleEntry, FUNCTION_ENTRIES } from '../local/bundle.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sdk: { type: 'string', default: 'bundled' },
    'source-maps': { type: 'boolean', default: false },
    invoke: { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(values.runs));
const sdkModes = values.sdk === 'both' ? ['bundled', 'external'] : [values.sdk === 'external' ? 'external' : 'bundled'];

const root = path.resolve(import.meta.dirname, '..');
// Under the repo, so the external @aws-sdk/* resolve to node_modules as they resolve to the runtime's copy on Lambda.
const outDir = path.join(root, 'cdk.out', 'bench-cold');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

type Target = { name: string; sdk: string; file: string; bytes: number; samples: number[]; cpu: number[]; first: number[] };
const targets: Target[] = [];
for (const sdk of sdkModes) {
  const runtimeSdk = sdk === 'external';
  const anchorFile = path.join(outDir, sdk, 'anchor.mjs');
  const anchor = await bundleEntry('anchor', { entryPath: path.join(root, 'bench', 'cold', 'anchor.ts'), outfile: anchorFile, runtimeSdk });
  targets.push({ name: 'anchor', sdk, file: anchorFile, bytes: anchor.bytes, samples: [], cpu: [], first: [] });
  for (const entry of FUNCTION_ENTRIES) {
    const file = path.join(outDir, sdk, entry.replace(/\.ts$/, '.mjs'));
    const report = await bundleEntry(entry, { outfile: file, runtimeSdk });
    targets.push({ name: report.name, sdk, file, bytes: report.bytes, samples: [], cpu: [], first: [] });
  }
}

// Wall time, and the process's CPU time over the import (steadier than wall time on a loaded machine).
const TIMED_IMPORT =
  'const c = process.cpuUsage(); const t = performance.now(); await import(process.argv[1]); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(w + " " + (u.user + u.system) / 1000);';
// Import, then one invocation; the handler's own output (logs, metrics) comes first, the timings on the last line.
const TIMED_FIRST =
  'const t = performance.now(); const m = await import(process.argv[1]); try { await m.handler(JSON.parse(process.argv[2])); } catch {} process.stdout.write("\\n" + (performance.now() - t));';

/** One first invocation per function that has one here: the path a cold start takes before it can answer. */
const FIRST_EVENTS: Record<string, unknown> = {
  anchor: { id: 'bench' },
  authorizer: { headers: { authorization: `Bearer sy_tok_${'a'.repeat(20)}_${'b'.repeat(43)}` }, routeKey: 'POST /v1/captures' },
  capture: {
    requestContext: { authorizer: { lambda: { tenantId: 'bench' } } },
    isBase64Encoded: false,
    body: JSON.stringify({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      completion: 'hello',
      usage: { prompt_tokens: 1, completion_tokens: 1 },
    }),
  },
};

const NODE_OPTIONS = nodeOptions(values['source-maps']);
const env = {
  PATH: process.env.PATH ?? '',
  NODE_OPTIONS,
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
// Every AWS call is refused at once (port 9, nothing listens), one attempt, static credentials: no network, no IMDS wait.
const invokeEnv = {
  ...env,
  TABLE_NAME: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
for (let run = 0; run < runs; run++) {
  for (const t of targets) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', TIMED_IMPORT, pathToFileURL(t.file).href], { env, encoding: 'utf8' });
    const [wall, cpu] = out.split(' ').map(Number);
    t.samples.push(wall as number);
    t.cpu.push(cpu as number);
    const event = FIRST_EVENTS[t.name];
    if (values.invoke && event !== undefined) {
      const first = execFileSync(process.execPath, ['--input-type=module', '-e', TIMED_FIRST, pathToFileURL(t.file).href, JSON.stringify(event)], {
        env: invokeEnv,
        encoding: 'utf8',
      });
      t.first.push(Number(first.split('\n').at(-1)));
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const summary = sdkModes.map((sdk) => {
  const anchor = targets.find((t) => t.sdk === sdk && t.name === 'anchor') as Target;
  const anchorMs = median(anchor.samples);
  const anchorCpu = median(anchor.cpu);
  const anchorFirst = anchor.first.length ? median(anchor.first) : null;
  const functions = targets
    .filter((t) => t.sdk === sdk && t.name !== 'anchor')
    .map((t) => ({
      name: t.name,
      bytes: t.bytes,
      import_ms: round(median(t.samples)),
      ratio: round(median(t.samples) / anchorMs, 2),
      cpu_ms: round(median(t.cpu)),
      cpu_ratio: round(median(t.cpu) / anchorCpu, 2),
      ...(t.first.length && anchorFirst ? { first_ms: round(median(t.first)), first_ratio: round(median(t.first) / anchorFirst, 2) } : {}),
    }));
  return {
    sdk,
    anchor: { bytes: anchor.bytes, import_ms: round(anchorMs), cpu_ms: round(anchorCpu), ...(anchorFirst ? { first_ms: round(anchorFirst) } : {}) },
    functions,
    max_ratio: Math.max(...functions.map((f) => f.ratio)),
    max_cpu_ratio: Math.max(...functions.map((f) => f.cpu_ratio)),
  };
});

for (const s of summary) {
  process.stdout.write(
    `\nAWS SDK ${s.sdk}, NODE_OPTIONS="${NODE_OPTIONS}" — anchor ${s.anchor.import_ms} ms, CPU ${s.anchor.cpu_ms} ms (${(s.anchor.bytes / 1024).toFixed(0)} kB)${s.anchor.first_ms ? `, import + first invocation ${s.anchor.first_ms} ms` : ''}, medians of ${runs}\n`,
  );
  for (const f of s.functions) {
    process.stdout.write(
      `${f.name.padEnd(26)} ${`${(f.bytes / 1024).toFixed(0)} kB`.padStart(8)} ${`${f.import_ms} ms`.padStart(10)} ${`${f.ratio}×`.padStart(7)}   CPU ${`${f.cpu_ms} ms`.padStart(10)} ${`${f.cpu_ratio}×`.padStart(7)}${f.first_ms ? `   first ${`${f.first_ms} ms`.padStart(10)} ${`${f.first_ratio}×`.padStart(7)}` : ''}\n`,
    );
  }
}
// The last line reports the SDK as CDK bundles it (bundled); the runtime's copy (external) sits beside it.
const [main, ...others] = summary as [(typeof summary)[number], ...typeof summary];
const alternative = Object.fromEntries(
  others.map((s) => [`sdk_${s.sdk}`, { anchor: s.anchor, functions: s.functions, max_ratio: s.max_ratio, max_cpu_ratio: s.max_cpu_ratio }]),
);
process.stdout.write(
  `${JSON.stringify({ sdk: main.sdk, node_options: NODE_OPTIONS, runs, functions: main.functions, anchor: main.anchor, max_ratio: main.max_ratio, max_cpu_ratio: main.max_cpu_ratio, ...alternative })}\n`,
);
