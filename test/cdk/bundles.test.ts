// Each function's bundle, built with CDK's own options, carries only what its composition root names.
import { describe, expect, it } from 'vitest';
import { type BundleReport, bundleFunction, FUNCTION_ENTRIES } from '../../local/bundle.js';

/** Functions that count tokens: capture (usage when a capture has none), replay start (estimates), the worker and the judge (tokens-per-minute limits). */
const COUNTS_TOKENS = new Set(['capture', 'analyze-api', 'replay-start', 'scheduled-replay', 'replay-worker', 'aggregate/score-quality']);
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

let reports: BundleReport[];

describe('function bundles', () => {
  it('are built for every function', async () => {
    reports = await Promise.all(FUNCTION_ENTRIES.map(bundleFunction));
    expect(reports.map((r) => r.name)).toHaveLength(FUNCTION_ENTRIES.length);
  }, 120_000);

  it('carry gpt-tokenizer only where tokens are counted, and portkey-ai only where a model is called', () => {
    for (const r of reports) {
      expect({ name: r.name, tokenizer: 'gpt-tokenizer' in r.packages }).toEqual({ name: r.name, tokenizer: COUNTS_TOKENS.has(r.name) });
      expect({ name: r.name, portkey: 'portkey-ai' in r.packages }).toEqual({ name: r.name, portkey: CALLS_MODELS.has(r.name) });
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
});
