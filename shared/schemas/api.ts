// Request bodies of the HTTP API.
import { z } from 'zod';
import { ROLES } from '../domain/capture.js';

export const MAX_BATCH = 100;

/** Dates the API accepts (request filters and capture times): anything outside is a typo, not traffic. */
export const EARLIEST_DATE = '2000-01-01T00:00:00.000Z';
export const LATEST_DATE = '2100-01-01T00:00:00.000Z';
export const inDateRange = (iso: string): boolean => {
  const t = Date.parse(iso);
  return t >= Date.parse(EARLIEST_DATE) && t <= Date.parse(LATEST_DATE);
};
export const DateTime = z.iso.datetime({ offset: true }).refine(inDateRange, 'must be between 2000-01-01 and 2100-01-01');

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
  z
    .string()
    .max(max)
    .refine((k) => !RESERVED_KEYS.has(k), { message: RESERVED_KEY_MESSAGE, params: { reason: 'reserved_key' } });

const TextPart = z.strictObject({ type: z.literal('text'), text: z.string() });

export const MessageSchema = z.strictObject({
  role: z.enum(ROLES),
  content: z.union([z.string(), z.array(TextPart).min(1)]),
  name: z.string().max(128).optional(),
});

export const InputUsageSchema = z.strictObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative().optional(),
  prompt_tokens_details: z.strictObject({ cached_tokens: z.number().int().nonnegative().optional() }).optional(),
});

const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const Tags = z.record(DictKey(64).min(1), z.string().max(256)).refine((t) => Object.keys(t).length <= 20, 'at most 20 tags');

export const CaptureInputSchema = z.strictObject({
  id: Id.optional(),
  model: z.string().min(1).max(200),
  messages: z.array(MessageSchema).min(1, 'must contain at least one message').max(500),
  completion: z.string().max(2_000_000),
  usage: InputUsageSchema.optional(),
  latency_ms: z.number().nonnegative().max(3_600_000).optional(),
  tags: Tags.optional(),
  metadata: z.record(DictKey(64), z.union([z.string().max(1024), z.number(), z.boolean()])).optional(),
  conversation_id: Id.optional(),
  /** the end user the call was made for (OpenAI's `user`, Portkey's `_user`): browse and history by user */
  user: z.string().min(1).max(256).optional(),
  /** when the call was made; at most a day ahead of the server's clock (checked on write) */
  captured_at: DateTime.optional(),
});
export type CaptureInput = z.infer<typeof CaptureInputSchema>;

const ModelName = z.string().min(1).max(200);

// One check in Portkey's short form, e.g. { "default.regexMatch": { "rule": "...", "not": true }, "deny": true }.
// `deny: false` crashes gateway 1.15 (500), so only blocking checks are accepted.
const GuardrailCheck = z
  .record(DictKey(200), z.unknown())
  .refine((g) => g.deny === true, 'each guardrail must set "deny": true (non-blocking checks are not supported)')
  .refine((g) => Object.keys(g).some((k) => k !== 'deny' && k.includes('.')), 'each guardrail needs one check such as "default.regexMatch"');
// A guardrail saved in Portkey, by id ("pg-…"). A list holds either ids or inline checks: the gateway accepts no mix.
const GuardrailId = z.string().regex(/^pg-[A-Za-z0-9_-]{1,120}$/, 'a saved guardrail id looks like "pg-…"');
const GuardrailList = z.union([z.array(GuardrailId).max(10), z.array(GuardrailCheck).max(10)]);
export const GuardrailsSchema = z
  .strictObject({ input_guardrails: GuardrailList.optional(), output_guardrails: GuardrailList.optional() })
  .refine((g) => (g.input_guardrails?.length ?? 0) + (g.output_guardrails?.length ?? 0) > 0, 'guardrails: give input_guardrails or output_guardrails');
export type Guardrails = z.infer<typeof GuardrailsSchema>;
/** A config saved in Portkey, by id (hosted Portkey resolves it: routing, guardrails, caching). */
export const PortkeyConfigId = z.string().regex(/^pc-[A-Za-z0-9_-]{1,120}$/, 'a saved Portkey config id looks like "pc-…"');

export const ReplayRequestSchema = z.strictObject({
  captures: z
    .strictObject({
      from: DateTime.optional(),
      to: DateTime.optional(),
      tags: Tags.optional(),
      limit: z.number().int().min(1).max(10_000).default(500),
      sample: z.strictObject({ seed: z.number().int(), size: z.number().int().min(1).max(10_000) }).optional(),
    })
    .default({ limit: 500 }),
  baseline_model: ModelName.optional(),
  /** `captured`: the baseline's answers are the captures' own completions (and usage, for cost); it is not called */
  baseline: z.enum(['replayed', 'captured']).default('replayed'),
  candidate_models: z.array(ModelName).min(1).max(20),
  judge_model: ModelName.default('gpt-4o'),
  /**
   * cheap-judge-first cascade: `cheap_model` judges first and judge_model only where the cheap verdict is close
   * (rubric scores within `margin` of the baseline's) or inconsistent (pairwise orders disagree or tie, unless
   * `escalate_pairwise` is false) or unparseable;
   * null: off; absent: the deployment's default
   */
  judge_cascade: z
    .strictObject({ cheap_model: ModelName, margin: z.number().min(0).max(1).default(0.03), escalate_pairwise: z.boolean().default(true) })
    .nullable()
    .optional(),
  deadline_minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  max_tokens: z.number().int().min(1).max(32_000).default(1024),
  /** spend cap in USD for provider calls; work past it is stored as `skipped` and the run ends partial */
  budget_usd: z.number().positive().max(1_000_000).optional(),
  /** Portkey guardrails applied to every replayed call: short form, `deny: true` only (ARCHITECTURE) */
  guardrails: GuardrailsSchema.optional(),
  /** a saved Portkey config id applied to every replayed call instead of inline guardrails */
  portkey_config: PortkeyConfigId.optional(),
  /** ask the judge model about borderline refusal verdicts (an extra judge call for those answers only) */
  refusal_second_opinion: z.boolean().default(false),
  /** estimate spend without creating a run or calling any model */
  dry_run: z.boolean().default(false),
});
export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;

/** POST /v1/analyze: one prompt (or conversation) for one end user, answered by every model side by side. */
export const AnalyzeRequestSchema = z
  .object({
    prompt: z.string().min(1).max(200_000).optional(),
    messages: z.array(MessageSchema).min(1).max(500).optional(),
    user_id: z.string().min(1).max(256),
    /** compared models; the first is the baseline unless baseline_model is given (default: the seed's seven) */
    models: z.array(ModelName).min(1).max(20).optional(),
    baseline_model: ModelName.optional(),
    judge_model: ModelName.default('gpt-4o'),
    max_tokens: z.number().int().min(1).max(32_000).default(1024),
    budget_usd: z.number().positive().max(1_000).optional(),
    guardrails: GuardrailsSchema.optional(),
    portkey_config: PortkeyConfigId.optional(),
    tags: Tags.refine((t) => Object.keys(t).length <= 19, 'at most 19 tags (source is set to analyze)').optional(),
  })
  .strict()
  .refine((r) => (r.prompt === undefined) !== (r.messages === undefined), { message: 'give exactly one of prompt or messages', path: ['prompt'] });
export type AnalyzeRequest = z.infer<typeof AnalyzeRequestSchema>;
