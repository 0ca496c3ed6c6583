// A Lambda function with Switchyard's fixed choices: the newest Node.js runtime on arm64, ESM bundle by local esbuild, log retention.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** How every function is bundled; bench:bundles and the bundle test build with exactly these options. */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // portkey-ai bundles CommonJS that calls require("http"): ESM needs a require.
  banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
  // The AWS SDK is bundled and tree-shaken, not taken from the runtime: measured faster to import (npm run bench:cold -- --sdk both).
  externalModules: [],
} as const;

/** The runtime's own copy of the AWS SDK, for bench:cold's side-by-side comparison only. */
export const RUNTIME_SDK = ['@aws-sdk/*'] as const;

/**
 * Packages a function loads only on first use: gpt-tokenizer (`await import`; its encoding is ~2.7 MB),
 * @pydantic/genai-prices (a synchronous require on the first cost; its catalog is ~466 kB) and portkey-ai (`await import`
 * when a gateway is built; with openai and ws ~370 kB). esbuild cannot split an `--outfile` bundle, so they stay out of
 * index.mjs and each one a bundle loads is shipped beside it as one minified file, node_modules/<name>/index.{mjs,cjs}:
 * its code is parsed only when first used, not at cold start.
 */
export const LAZY_MODULES = ['gpt-tokenizer', '@pydantic/genai-prices', 'portkey-ai'] as const;
type LazyModule = (typeof LAZY_MODULES)[number];
/**
 * How each is shipped. `exports`: an ES module re-exporting just these names from a CommonJS package (bundled inside it),
 * so Node does not scan ~370 kB of CommonJS for its export names on load (measured ~90 ms for portkey-ai).
 */
const LAZY_BUILD: Record<LazyModule, { format: 'esm' | 'cjs'; exports?: string[] }> = {
  'gpt-tokenizer': { format: 'esm' },
  '@pydantic/genai-prices': { format: 'cjs' },
  'portkey-ai': { format: 'esm', exports: ['Portkey'] },
};

const shellQuote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * The shell commands that ship the lazy modules a bundle loads (CDK's afterBundling hook; local/bundle.ts runs the same
 * ones). They use the project's own esbuild and node_modules: no registry, so synth works offline.
 */
export function lazyModuleCommands(inputDir: string, outputDir: string, bundleFile = 'index.mjs'): string[] {
  return LAZY_MODULES.map((name) => {
    const dir = path.posix.join(outputDir, 'node_modules', name);
    const { format, exports } = LAZY_BUILD[name];
    const file = format === 'esm' ? 'index.mjs' : 'index.cjs';
    const manifest = JSON.stringify({ name, exports: `./${file}` });
    const options = `--bundle --platform=node --format=${format} --target=${BUNDLING.target} --minify --log-level=warning --outfile=${shellQuote(`${dir}/${file}`)}`;
    // CommonJS bundled into an ES module still calls require() for Node's own modules: the bundle's banner defines it.
    const build = exports
      ? `printf '%s' ${shellQuote(`export { ${exports.join(', ')} } from '${name}';`)} | npx --no-install esbuild ${options} --banner:js=${shellQuote(BUNDLING.banner)}`
      : `npx --no-install esbuild ${name} ${options}`;
    return [
      // The bundle loads it by name: `import("name")`, or `require("name")` minified to `x("name")`.
      `if grep -qF ${shellQuote(`("${name}")`)} ${shellQuote(path.posix.join(outputDir, bundleFile))}; then`,
      `cd ${shellQuote(inputDir)} &&`,
      `${build} &&`,
      `printf '%s' ${shellQuote(manifest)} > ${shellQuote(`${dir}/package.json`)};`,
      'fi',
    ].join(' ');
  });
}

/**
 * The functions' NODE_OPTIONS. `--enable-source-maps` maps stack traces to the TypeScript sources but makes Node read
 * and parse the bundle's source map at import: measured ~1.5× the cold import (npm run bench:cold -- --source-maps), as
 * AWS documents. So it is per environment (cdk.json `sourceMaps`, on in dev); elsewhere the map still ships beside the
 * bundle (index.mjs.map) to decode a minified trace after the fact. bench:cold measures with exactly these options.
 */
export const nodeOptions = (sourceMaps: boolean): string => (sourceMaps ? '--enable-source-maps' : '');

export type AppFunctionProps = {
  /** path under functions/, e.g. "capture/handler.ts" */
  entry: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** `--enable-source-maps` (nodeOptions); off by default */
  sourceMaps?: boolean;
};

export class AppFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetentionDays as logs.RetentionDays, removalPolicy: props.removalPolicy });
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: path.join(root, 'functions', props.entry),
      projectRoot: root,
      depsLockFilePath: path.join(root, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize: props.memorySize ?? 512,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...(props.sourceMaps ? { NODE_OPTIONS: nodeOptions(true) } : {}),
        POWERTOOLS_SERVICE_NAME: 'switchyard',
        ...props.environment,
      },
      bundling: {
        ...BUNDLING,
        mainFields: [...BUNDLING.mainFields],
        externalModules: [...BUNDLING.externalModules, ...LAZY_MODULES],
        commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: (inputDir, outputDir) => lazyModuleCommands(inputDir, outputDir) },
      },
    });
  }

  /** Sets an env var and returns the function, for bind helpers that grant and configure in one call. */
  env(name: string, value: string): this {
    this.fn.addEnvironment(name, value);
    return this;
  }
}
