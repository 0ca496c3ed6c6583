// The OpenAPI 3.1 document of the HTTP API, generated from the zod schemas the handlers validate with (one definition
// per shape): request bodies are the API schemas as clients send them, answers are described here beside them.

import { StoredCaptureSchema } from '../domain/capture.js';
import { AnalyzeRequestSchema, CaptureInputSchema, MAX_BATCH, ReplayRequestSchema } from './api.js';
import * as z from './zod.js';

/** Every 4xx/5xx body the handlers write: a code, a sentence, and the field it is about when there is one. */
export const ProblemSchema = z.object({
  error: z.string(),
  message: z.string(),
  field: z.optional(z.string()),
  limit: z.optional(z.number()),
});

const ItemError = z.extend(ProblemSchema, { status: z.number().check(z.int()) });
/** One item of a batch of captures: each says what happened to it, whatever happened to the others. */
export const CaptureItemResultSchema = z.discriminatedUnion('status', [
  z.object({ index: z.number().check(z.int()), status: z.enum(['stored', 'duplicate']), id: z.string() }),
  z.object({ index: z.number().check(z.int()), status: z.literal('conflict'), id: z.string(), content_hash: z.string(), stored_hash: z.string() }),
  z.object({ index: z.number().check(z.int()), status: z.literal('rejected'), error: ItemError }),
  z.object({ index: z.number().check(z.int()), status: z.literal('failed'), id: z.string(), error: ItemError }),
]);
export const CaptureBatchAnswerSchema = z.object({
  stored: z.number().check(z.int()),
  duplicates: z.number().check(z.int()),
  conflicts: z.number().check(z.int()),
  rejected: z.number().check(z.int()),
  failed: z.number().check(z.int()),
  results: z.array(CaptureItemResultSchema),
});
export const CaptureAnswerSchema = z.object({ id: z.string(), status: z.enum(['stored', 'duplicate']) });
export const CaptureConflictSchema = z.extend(ProblemSchema, { id: z.string(), content_hash: z.string(), stored_hash: z.string() });
export const CaptureBatchSchema = z.strictObject({ captures: z.array(CaptureInputSchema).check(z.minLength(1), z.maxLength(MAX_BATCH)) });

const json = (schema: z.ZodMiniType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const content = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const answer = (description: string, ref?: string) => (ref ? { description, content: content(ref) } : { description });
const problems = {
  '400': answer('invalid request: `error` names the kind (unknown_field, reserved_key, invalid_path, …), `field` the place', 'Problem'),
  '401': answer('missing or invalid bearer token'),
  '403': answer('the token is not allowed here'),
  '429': answer('too many requests for this tenant; retry after `Retry-After` seconds'),
};
const pathParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  description: 'percent-encoded; malformed encoding is answered 400 invalid_path',
  schema: { type: 'string', minLength: 1 },
});
const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const PAGE = [query('limit', 'items per page', { type: 'integer', minimum: 1, maximum: 100 }), query('next', 'the cursor the previous page returned')];
const CAPTURE_FILTERS = [
  query('from', 'earliest capture time (ISO 8601, 2000..2100)', { type: 'string', format: 'date-time' }),
  query('to', 'latest capture time (ISO 8601, 2000..2100)', { type: 'string', format: 'date-time' }),
  query('model', 'only captures of this model'),
  query('tag.{key}', 'only captures with this tag value (one parameter per tag)'),
];
const page = (description: string) => answer(description, 'Page');
const get = (summary: string, parameters: unknown[], ok: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  get: { summary, parameters, responses: { '200': ok, ...problems, ...extra } },
});

/** The document served at GET /v1/openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'Switchyard API', version: '1', description: 'Capture LLM traffic, replay it across models through Portkey, read the recommendation.' },
    security: [{ bearer: [] }],
    paths: {
      '/v1/captures': {
        post: {
          summary: 'Store one capture, or a batch (`{"captures": [...]}`, answered per item)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/CaptureInput' }, { $ref: '#/components/schemas/CaptureBatch' }] } },
            },
          },
          responses: {
            '201': answer('stored', 'CaptureAnswer'),
            '200': answer('already stored with the same content (single), or every item stored or duplicate (batch)', 'CaptureAnswerOrBatch'),
            '207': answer('a batch where some item was rejected, conflicted or failed: see `results`', 'CaptureBatchAnswer'),
            '409': answer('the id is stored with different content: nothing was written', 'CaptureConflict'),
            '413': answer('capture or batch too large', 'Problem'),
            '503': answer('the write failed: send it again', 'Problem'),
            ...problems,
          },
        },
        ...get('Browse captures, newest first', [...CAPTURE_FILTERS, query('user', 'only this end user'), ...PAGE], page('a page of captures')),
      },
      '/v1/captures/{id}': get('One capture, whole', [pathParam('id')], answer('the capture', 'StoredCapture'), { '404': answer('not found', 'Problem') }),
      '/v1/users/{user}/history': get(
        'One end user’s captures with every replay answer they got',
        [pathParam('user'), ...CAPTURE_FILTERS, ...PAGE],
        page('a page of history'),
      ),
      '/v1/replays': {
        post: {
          summary: 'Start a replay (or estimate one with `dry_run`)',
          requestBody: { required: true, content: content('ReplayRequest') },
          responses: {
            '202': answer('the run started', 'Object'),
            '200': answer('the dry run’s estimate', 'Object'),
            '422': answer('no captures match, or the baseline is unknown', 'Problem'),
            ...problems,
          },
        },
        ...get('The tenant’s runs, newest first', PAGE, page('a page of runs')),
      },
      '/v1/replays/{id}': get('One run: status, spend, recommendation', [pathParam('id')], answer('the run', 'Object'), {
        '404': answer('not found', 'Problem'),
      }),
      '/v1/replays/{id}/results': get(
        'A run’s answers: a page of one model’s, or every model’s for one capture',
        [
          pathParam('id'),
          query('model', 'the model whose answers to list'),
          query('capture', 'one capture’s answers across models'),
          query('refusal', 'only this refusal class'),
          ...PAGE,
        ],
        answer('answers', 'Object'),
        { '404': answer('not found', 'Problem') },
      ),
      '/v1/replays/{id}/report': get(
        'The run’s HTML report',
        [pathParam('id')],
        { description: 'the report', content: { 'text/html': { schema: { type: 'string' } } } },
        {
          '404': answer('not found', 'Problem'),
          '409': answer('the run has not finished', 'Problem'),
        },
      ),
      '/v1/analyze': {
        post: {
          summary: 'One prompt for one end user, answered by every model side by side',
          requestBody: { required: true, content: content('AnalyzeRequest') },
          responses: { '200': answer('every model’s answer', 'Object'), '202': answer('still running: poll the run', 'Object'), ...problems },
        },
      },
      '/v1/openapi.json': get('This document', [], {
        description: 'the OpenAPI 3.1 document',
        content: { 'application/json': { schema: { type: 'object' } } },
      }),
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `switchyard token create`' } },
      schemas: {
        CaptureInput: json(CaptureInputSchema, 'input'),
        CaptureBatch: json(CaptureBatchSchema, 'input'),
        ReplayRequest: json(ReplayRequestSchema, 'input'),
        AnalyzeRequest: json(AnalyzeRequestSchema, 'input'),
        Problem: json(ProblemSchema, 'output'),
        CaptureAnswer: json(CaptureAnswerSchema, 'output'),
        CaptureBatchAnswer: json(CaptureBatchAnswerSchema, 'output'),
        CaptureAnswerOrBatch: json(z.union([CaptureAnswerSchema, CaptureBatchAnswerSchema]), 'output'),
        CaptureConflict: json(CaptureConflictSchema, 'output'),
        StoredCapture: json(StoredCaptureSchema, 'output'),
        Page: { type: 'object', properties: { items: { type: 'array' }, next: { type: ['string', 'null'] } } },
        Object: { type: 'object' },
      },
    },
  };
}
