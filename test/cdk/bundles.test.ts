// Each function's bundle, built with CDK's own options, carries only what its composition root names.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { type BundleReport, bundleEntry, bundleFunction, FUNCTION_ENTRIES } from '../../local/bundle.js';

/** Functions that count tokens: capture (usage when a capture has none), replay start (estimates), the worker and the judge (tokens-per-minute limits). */
const COUNTS_TOKENS = new Set(['capture', 'analyze-api', 'replay-start', 'scheduled-replay', 'replay-worker', 'aggregate/score-quality']);
/** Functions that price calls (genai-prices). */
const PRICES = new Set(['analyze-api', 'replay-start', 'scheduled-replay', 'replay-worker', 'aggregate/score-quality']);
/** Functions that call a model through Portkey. */
const CALLS_MODELS = new Set(['replay-worker', 'aggregate/score-quality']);
const SDK_CLIENTS: Record<string, string[]> = {
  'replay-start': ['client-dynamodb', 'client-sfn', 'client-sqs', 'lib-dynamodb'],
  'analyze-api': ['client-dynamodb', 'client-sfn', 'client-sqs', 'lib-dynamodb'],
  'scheduled-replay': ['client-dynamodb', 'client-sfn', 'client-sqs', 'lib-dynamodb'],
  'replay-worker': ['client-dynamodb', 'client-secrets-manager', 'client-sqs', 'lib-dynamodb'],
  'aggregate/score-quality': ['client-dynamodb', 'client-secrets-manager', 'lib-dynamodb'],
  // Serves a document built from the schemas: no port, no SDK client.
  'openapi-api': [],
};

const PRICE_ARGS: Parameters<typeof calcPrice> = [{ input_tokens: 1234, output_tokens: 567 }, 'gpt-4o', { providerId: 'openai' }];

let reports: BundleReport[];

describe('function bundles', () => {
  it('are built for every function', async () => {
    reports = await Promise.all(FUNCTION_ENTRIES.map(bundleFunction));
    expect(reports.map((r) => r.name)).toHaveLength(FUNCTION_ENTRIES.length);
  }, 120_000);

  it('load gpt-tokenizer, genai-prices and portkey-ai on first use (never inside the bundle) only where tokens are counted, calls priced or models called', () => {
    const LAZY = ['gpt-tokenizer', '@pydantic/genai-prices', 'portkey-ai', 'openai', 'ws'];
    for (const r of reports) {
      expect({ name: r.name, inside: Object.keys(r.packages).filter((p) => LAZY.includes(p)) }).toEqual({ name: r.name, inside: [] });
      const lazy = [
        ...(COUNTS_TOKENS.has(r.name) ? ['gpt-tokenizer'] : []),
        ...(PRICES.has(r.name) ? ['@pydantic/genai-prices'] : []),
        ...(CALLS_MODELS.has(r.name) ? ['portkey-ai'] : []),
      ];
      expect({ name: r.name, lazy: r.lazyModules }).toEqual({ name: r.name, lazy });
    }
  });

  it('keep the HTML report light: the DynamoDB clients only, neither gpt-tokenizer nor portkey-ai', () => {
    const report = reports.find((r) => r.name === 'report-api');
    expect(report?.sdkClients).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
    expect(Object.keys(report?.packages ?? {})).not.toContain('gpt-tokenizer');
    expect(Object.keys(report?.packages ?? {})).not.toContain('portkey-ai');
  });

  it('import only the AWS SDK clients their ports use', () => {
    for (const r of reports) {
      const expected = SDK_CLIENTS[r.name] ?? ['client-dynamodb', 'lib-dynamodb'];
      expect({ name: r.name, sdk: r.sdkClients }).toEqual({ name: r.name, sdk: expected.map((c) => `@aws-sdk/${c}`) });
    }
  });

  it('ship the tokenizer, the price catalog and portkey-ai beside the bundle, where the bundle resolves them, and only there', async () => {
    // Outside the project, so nothing resolves to the project's node_modules.
    const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-bundle-'));
    try {
      await bundleEntry('replay-worker/handler.ts', { outfile: path.join(dir, 'replay-worker', 'index.mjs') });
      await bundleEntry('results-api/handler.ts', { outfile: path.join(dir, 'results-api', 'index.mjs') });
      // In a plain node, as Lambda imports it (vitest's own resolver would find the project's copy).
      const text = 'Cold starts near the floor, tokens counted the same.';
      const probe = (name: string) => {
        const file = path.join(dir, name, 'probe.mjs');
        writeFileSync(
          file,
          [
            "const { countTokens } = await import('gpt-tokenizer');",
            "const { calcPrice } = (await import('node:module')).createRequire(import.meta.url)('@pydantic/genai-prices');",
            "const { Portkey } = await import('portkey-ai');",
            "const client = new Portkey({ baseURL: 'http://127.0.0.1:9', provider: 'openai' });",
            `process.stdout.write(JSON.stringify([countTokens(${JSON.stringify(text)}), calcPrice(...${JSON.stringify(PRICE_ARGS)}).total_price, typeof client.chat.completions.create]));`,
          ].join('\n'),
        );
        return execFileSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      };
      expect(JSON.parse(probe('replay-worker'))).toEqual([countTokens(text), calcPrice(...PRICE_ARGS)?.total_price, 'function']);
      expect(() => probe('results-api')).toThrow(/gpt-tokenizer/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
