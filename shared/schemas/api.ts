// Request bodies of the HTTP API.

import { ROLES } from '../domain/capture.js';
import { onFirstUse } from './on-first-use.js';
import * as z from './zod.js';

export const MAX_BATCH = 100;

/** Dates the API accepts (request filters and capture times): anything outside is a typo, not traffic. */
export const EARLIEST_DATE = '2000-01-01T00:00:00.000Z';
export const LATEST_DATE = '2100-01-01T00:00:00.000Z';
export const inDateRange = (iso: string): boolean => {
  const t = Date.parse(iso);
  return t >= Date.parse(EARLIEST_DATE) && t <= Date.parse(LATEST_DATE);
};
export const DateTime = onFirstUse(() => z.iso.datetime({ offset: true }).check(z.refine(inDateRange, 'must be between 2000-01-01 and 2100-01-01')));

/**
 * Keys a dictionary (tags, metadata, guardrail checks) may not use: they name prototype machinery, which some
 * libraries treat specially (zod drops `__proto__`, the DynamoDB marshaller refuses a `constructor` key). Rejected
 * with 400 `reserved_key` rather than stored.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const RESERVED_KEY_MESSAGE = 'reserved key (__proto__, constructor and prototype are not accepted)';

/** The path of the first reserved key anywhere in parsed JSON, e.g. `tags.constructor`; null when there is none. */
export function findReservedKey(value: unknown): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: '' }];
  while (stack.length > 0) {
    const { v, path } = stack.pop() as { v: unknown; path: string };
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) stack.push({ v: x, path: path ? `${path}.${i}` : String(i) });
    } else if (typeof v === 'object' && v !== null) {
      for (const key of Object.keys(v)) {
        const at = path ? `${path}.${key}` : key;
        if (RESERVED_KEYS.has(key)) return at;
        stack.push({ v: (v as Record<string, unknown>)[key], path: at });
      }
    }
  }
  return null;
}

const DictKey = (max: number) =>
  z.string().check(
    z.maxLength(max),
    z.refine((k) => !RESERVED_KEYS.has(k), { message: RESERVED_KEY_MESSAGE, params: { reason: 'reserved_key' } }),
  );

const TextPart = onFirstUse(() => z.strictObject({ type: z.literal('text'), text: z.string() }));

export const MessageSchema = onFirstUse(() =>
  z.strictObject({
    role: z.enum(ROLES),
    content: z.union([z.string(), z.array(TextPart).check(z.minLength(1))]),
    name: z.optional(z.string().check(z.maxLength(128))),
  }),
);

export const InputUsageSchema = onFirstUse(() =>
  z.strictObject({
    prompt_tokens: z.number().check(z.int(), z.nonnegative()),
    completion_tokens: z.number().check(z.int(), z.nonnegative()),
    total_tokens: z.optional(z.number().check(z.int(), z.nonnegative())),
    prompt_tokens_details: z.optional(z.strictObject({ cached_tokens: z.optional(z.number().check(z.int(), z.nonnegative())) })),
  }),
);

const Id = onFirstUse(() => z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only')));
const Tags = onFirstUse(() =>
  z.record(DictKey(64).check(z.minLength(1)), z.string().check(z.maxLength(256))).check(z.refine((t) => Object.keys(t).length <= 20, 'at most 20 tags')),
);

export const CaptureInputSchema = onFirstUse(() =>
  z.strictObject({
    id: z.optional(Id),
    model: z.string().check(z.minLength(1), z.maxLength(200)),
    messages: z.array(MessageSchema).check(z.minLength(1, 'must contain at least one message'), z.maxLength(500)),
    completion: z.string().check(z.maxLength(2_000_000)),
    usage: z.optional(InputUsageSchema),
    latency_ms: z.optional(z.number().check(z.nonnegative(), z.lte(3_600_000))),
    tags: z.optional(Tags),
    metadata: z.optional(z.record(DictKey(64), z.union([z.string().check(z.maxLength(1024)), z.number(), z.boolean()]))),
    conversation_id: z.optional(Id),
    /** the end user the call was made for (OpenAI's `user`, Portkey's `_user`): browse and history by user */
    user: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    /** when the call was made; at most a day ahead of the server's clock (checked on write) */
    captured_at: z.optional(DateTime),
  }),
);
export type CaptureInput = z.infer<typeof CaptureInputSchema>;

const ModelName = onFirstUse(() => z.string().check(z.minLength(1), z.maxLength(200)));

// One check in Portkey's short form, e.g. { "default.regexMatch": { "rule": "...", "not": true }, "deny": true }.
// `deny: false` crashes gateway 1.15 (500), so only blocking checks are accepted.
const GuardrailCheck = onFirstUse(() =>
  z.record(DictKey(200), z.unknown()).check(
    z.refine((g) => g.deny === true, 'each guardrail must set "deny": true (non-blocking checks are not supported)'),
    z.refine((g) => Object.keys(g).some((k) => k !== 'deny' && k.includes('.')), 'each guardrail needs one check such as "default.regexMatch"'),
  ),
);
// A guardrail saved in Portkey, by id ("pg-…"). A list holds either ids or inline checks: the gateway accepts no mix.
const GuardrailId = onFirstUse(() => z.string().check(z.regex(/^pg-[A-Za-z0-9_-]{1,120}$/, 'a saved guardrail id looks like "pg-…"')));
const GuardrailList = onFirstUse(() => z.union([z.array(GuardrailId).check(z.maxLength(10)), z.array(GuardrailCheck).check(z.maxLength(10))]));
export const GuardrailsSchema = onFirstUse(() =>
  z
    .strictObject({ input_guardrails: z.optional(GuardrailList), output_guardrails: z.optional(GuardrailList) })
    .check(
      z.refine((g) => (g.input_guardrails?.length ?? 0) + (g.output_guardrails?.length ?? 0) > 0, 'guardrails: give input_guardrails or output_guardrails'),
    ),
);
export type Guardrails = z.infer<typeof GuardrailsSchema>;
/** A config saved in Portkey, by id (hosted Portkey resolves it: routing, guardrails, caching). */
export const PortkeyConfigId = onFirstUse(() => z.string().check(z.regex(/^pc-[A-Za-z0-9_-]{1,120}$/, 'a saved Portkey config id looks like "pc-…"')));

export const ReplayRequestSchema = onFirstUse(() =>
  z.strictObject({
    captures: z._default(
      z.strictObject({
        from: z.optional(DateTime),
        to: z.optional(DateTime),
        tags: z.optional(Tags),
        limit: z._default(z.number().check(z.int(), z.gte(1), z.lte(10_000)), 500),
        sample: z.optional(z.strictObject({ seed: z.number().check(z.int()), size: z.number().check(z.int(), z.gte(1), z.lte(10_000)) })),
      }),
      { limit: 500 },
    ),
    baseline_model: z.optional(ModelName),
    /** `captured`: the baseline's answers are the captures' own completions (and usage, for cost); it is not called */
    baseline: z._default(z.enum(['replayed', 'captured']), 'replayed'),
    candidate_models: z.array(ModelName).check(z.minLength(1), z.maxLength(20)),
    judge_model: z._default(ModelName, 'gpt-4o'),
    /**
     * cheap-judge-first cascade: `cheap_model` judges first and judge_model only where the cheap verdict is close
     * (rubric scores within `margin` of the baseline's) or inconsistent (pairwise orders disagree or tie, unless
     * `escalate_pairwise` is false) or unparseable;
     * null: off; absent: the deployment's default
     */
    judge_cascade: z.optional(
      z.nullable(
        z.strictObject({
          cheap_model: ModelName,
          margin: z._default(z.number().check(z.gte(0), z.lte(1)), 0.03),
          escalate_pairwise: z._default(z.boolean(), true),
        }),
      ),
    ),
    deadline_minutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(24 * 60)), 60),
    max_tokens: z._default(z.number().check(z.int(), z.gte(1), z.lte(32_000)), 1024),
    /** spend cap in USD for provider calls; work past it is stored as `skipped` and the run ends partial */
    budget_usd: z.optional(z.number().check(z.positive(), z.lte(1_000_000))),
    /** Portkey guardrails applied to every replayed call: short form, `deny: true` only (ARCHITECTURE) */
    guardrails: z.optional(GuardrailsSchema),
    /** a saved Portkey config id applied to every replayed call instead of inline guardrails */
    portkey_config: z.optional(PortkeyConfigId),
    /** ask the judge model about borderline refusal verdicts (an extra judge call for those answers only) */
    refusal_second_opinion: z._default(z.boolean(), false),
    /** estimate spend without creating a run or calling any model */
    dry_run: z._default(z.boolean(), false),
  }),
);
export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;

/** POST /v1/analyze: one prompt (or conversation) for one end user, answered by every model side by side. */
export const AnalyzeRequestSchema = onFirstUse(() =>
  z
    .strictObject({
      prompt: z.optional(z.string().check(z.minLength(1), z.maxLength(200_000))),
      messages: z.optional(z.array(MessageSchema).check(z.minLength(1), z.maxLength(500))),
      user_id: z.string().check(z.minLength(1), z.maxLength(256)),
      /** compared models; the first is the baseline unless baseline_model is given (default: the seed's seven) */
      models: z.optional(z.array(ModelName).check(z.minLength(1), z.maxLength(20))),
      baseline_model: z.optional(ModelName),
      judge_model: z._default(ModelName, 'gpt-4o'),
      max_tokens: z._default(z.number().check(z.int(), z.gte(1), z.lte(32_000)), 1024),
      budget_usd: z.optional(z.number().check(z.positive(), z.lte(1_000))),
      guardrails: z.optional(GuardrailsSchema),
      portkey_config: z.optional(PortkeyConfigId),
      tags: z.optional(Tags.check(z.refine((t) => Object.keys(t).length <= 19, 'at most 19 tags (source is set to analyze)'))),
    })
    .check(z.refine((r) => (r.prompt === undefined) !== (r.messages === undefined), { message: 'give exactly one of prompt or messages', path: ['prompt'] })),
);
export type AnalyzeRequest = z.infer<typeof AnalyzeRequestSchema>;
