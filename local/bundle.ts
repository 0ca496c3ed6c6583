// Builds a function's bundle exactly as CDK does (the same esbuild options, cdk/constructs/app-function.ts) and tells
// what is inside: bytes, bytes per package, and the AWS SDK clients it carries. Used by
// `npm run bench:bundles` and the bundle test.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BUNDLING, LAZY_MODULES, lazyModuleCommands, RUNTIME_SDK } from '../cdk/constructs/app-function.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every function's entry under functions/, as the stateless stack names them. */
export const FUNCTION_ENTRIES = [
  'authorizer/handler.ts',
  'capture/handler.ts',
  'results-api/handler.ts',
  'captures-api/handler.ts',
  'analyze-api/handler.ts',
  'report-api/handler.ts',
  'openapi-api/handler.ts',
  'replay-start/handler.ts',
  'scheduled-replay/handler.ts',
  'replay-worker/handler.ts',
  'dead-letter/handler.ts',
  'aggregate/check-progress.ts',
  'aggregate/score-quality.ts',
  'aggregate/compute-metrics.ts',
  'aggregate/recommend.ts',
  'aggregate/mark-failed.ts',
] as const;

/** `lazyModules`: the packages the bundle imports on first use, shipped beside it (LAZY_MODULES), not inside it. */
export type BundleReport = { name: string; bytes: number; packages: Record<string, number>; sdkClients: string[]; lazyModules: string[] };

const packageOf = (input: string): string | null => {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  return m ? (m[1] as string) : null;
};

/**
 * Builds one function (or any entry, with `options.entryPath`); `options.outfile` writes the bundle there (bench:cold
 * imports it), and `options.runtimeSdk` imports the AWS SDK from the runtime instead of bundling it (to compare both).
 */
export async function bundleEntry(entry: string, options: { outfile?: string; entryPath?: string; runtimeSdk?: boolean } = {}): Promise<BundleReport> {
  const out = await build({
    entryPoints: [options.entryPath ?? path.join(root, 'functions', entry)],
    absWorkingDir: root,
    bundle: true,
    write: options.outfile !== undefined,
    metafile: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    external: [...BUNDLING.externalModules, ...(options.runtimeSdk ? RUNTIME_SDK : []), ...LAZY_MODULES],
    outfile: options.outfile ?? path.join(root, 'cdk.out', 'bundle-report', entry.replace(/\.ts$/, '.mjs')),
    logLevel: 'silent',
  });
  const [name, output] = Object.entries(out.metafile.outputs).find(([file]) => file.endsWith('.mjs')) ?? [];
  if (!name || !output) throw new Error(`no bundle for ${entry}`);
  const packages: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = packageOf(input) ?? '(switchyard)';
    packages[pkg] = (packages[pkg] ?? 0) + bytesInOutput;
  }
  // Loaded by name at first use (`import("name")` or a require), as the afterBundling hook finds them.
  const text = options.outfile ? readFileSync(options.outfile, 'utf8') : (out.outputFiles?.find((f) => f.path.endsWith('.mjs'))?.text ?? '');
  const lazyModules = LAZY_MODULES.filter((m) => text.includes(`("${m}")`));
  if (options.outfile) {
    // Ships the lazy modules beside the bundle with CDK's own afterBundling commands.
    for (const command of lazyModuleCommands(root, path.dirname(options.outfile), path.basename(options.outfile)))
      execFileSync('bash', ['-c', command], { cwd: root, stdio: 'inherit' });
  }
  // Bundled (as CDK builds) or imported from the runtime (runtimeSdk).
  const sdkClients = [
    ...new Set([
      ...Object.keys(packages).filter((p) => /^@aws-sdk\/(client|lib)-/.test(p)),
      ...output.imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
    ]),
  ].sort();
  return { name: entry.replace(/\/handler\.ts$|\.ts$/, ''), bytes: output.bytes, packages, sdkClients, lazyModules };
}

export const bundleFunction = (entry: string): Promise<BundleReport> => bundleEntry(entry);
