// The OpenAPI document against the deployed routes (every CDK route documented, nothing documented that is not
// routed) and against the schemas the handlers use (samples the handlers accept validate; samples they refuse do not).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { AnalyzeRequestSchema, CaptureInputSchema, ReplayRequestSchema } from '../../shared/schemas/api.js';
import { openApiDocument } from '../../shared/schemas/openapi.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { security?: unknown }>>;
  components: { schemas: Record<string, unknown> };
  security: unknown[];
};
const doc = openApiDocument() as unknown as Doc;
let routeKeys: string[];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema({ $id: 'switchyard', components: doc.components });
const validatorOf = (name: string) => {
  const v = ajv.getSchema(`switchyard#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name}`);
  return (value: unknown) => v(value) === true;
};

beforeAll(() => {
  const { stateless } = JSON.parse(readFileSync(inject('templatesFile'), 'utf8')) as {
    stateless: { Resources: Record<string, { Type: string; Properties: { RouteKey?: string; AuthorizationType?: string } }> };
  };
  const routes = Object.values(stateless.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');
  // The document is served to authenticated callers only, like every other route.
  expect(routes.every((r) => r.Properties.AuthorizationType === 'CUSTOM')).toBe(true);
  routeKeys = routes.map((r) => r.Properties.RouteKey ?? '');
});

describe('GET /v1/openapi.json document', () => {
  it('is OpenAPI 3.1 with bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('documents exactly the routes the CDK stack deploys', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routeKeys.length).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...routeKeys].sort());
  });

  const capture = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], completion: 'hello', tags: { team: 'a' } };
  const replay = { candidate_models: ['gpt-4o-mini'], captures: { from: '2026-01-01T00:00:00Z', tags: { team: 'a' } }, dry_run: true };
  const analyze = { prompt: 'hi', user_id: 'u1' };
  it.each([
    ['CaptureInput', CaptureInputSchema, capture, true],
    ['CaptureInput', CaptureInputSchema, { ...capture, typo: 1 }, false],
    ['CaptureInput', CaptureInputSchema, { ...capture, messages: [{ role: 'user', content: 'hi', extra: true }] }, false],
    ['CaptureInput', CaptureInputSchema, { ...capture, usage: { prompt_tokens: 1, completion_tokens: 2, total: 3 } }, false],
    ['ReplayRequest', ReplayRequestSchema, replay, true],
    ['ReplayRequest', ReplayRequestSchema, { ...replay, dryrun: true }, false],
    ['ReplayRequest', ReplayRequestSchema, { ...replay, captures: { tag: { team: 'a' } } }, false],
    [
      'ReplayRequest',
      ReplayRequestSchema,
      { ...replay, guardrails: { input_guardrails: [{ 'default.regexMatch': { rule: 'x' }, deny: true }], extra: 1 } },
      false,
    ],
    ['AnalyzeRequest', AnalyzeRequestSchema, analyze, true],
    ['AnalyzeRequest', AnalyzeRequestSchema, { ...analyze, budget: 1 }, false],
  ])('%s: the document and the handler schema agree on %j', (name, schema, sample, valid) => {
    expect(schema.safeParse(sample).success).toBe(valid);
    expect(validatorOf(name)(sample)).toBe(valid);
  });

  it('describes the per-item answer of a batch and the conflict answer', () => {
    const batch = {
      stored: 1,
      duplicates: 0,
      conflicts: 1,
      rejected: 1,
      failed: 0,
      results: [
        { index: 0, status: 'stored', id: 'a' },
        { index: 1, status: 'conflict', id: 'b', content_hash: 'sha256:1', stored_hash: 'sha256:2' },
        { index: 2, status: 'rejected', error: { status: 400, error: 'unknown_field', message: 'captures[2].x: unknown field', field: 'captures[2].x' } },
      ],
    };
    expect(validatorOf('CaptureBatchAnswer')(batch)).toBe(true);
    expect(validatorOf('CaptureBatchAnswer')({ ...batch, results: [{ index: 0, status: 'half-written' }] })).toBe(false);
    expect(validatorOf('CaptureConflict')({ error: 'conflict', message: 'm', id: 'b', content_hash: 'x', stored_hash: 'y' })).toBe(true);
  });
});
