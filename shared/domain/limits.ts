// Provider limits as data: per provider, optionally per model. Which limit applies to a call, and how big it is.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import type { ModelSpec } from './model.js';

export const ProviderLimitSchema = onFirstUse(() =>
  z.object({
    /** calls in flight at once, across every worker */
    maxConcurrency: z.optional(z.number().check(z.int(), z.gte(1))),
    /** requests per minute */
    rpm: z.optional(z.number().check(z.int(), z.gte(1))),
    /** tokens per minute (prompt tokens + max_tokens, as providers count them) */
    tpm: z.optional(z.number().check(z.int(), z.gte(1))),
  }),
);
export type ProviderLimit = z.infer<typeof ProviderLimitSchema>;

/** Keys: a provider slug ("openai") or "model:<catalog id>" for a model-specific limit. */
export const ProviderLimitsSchema = onFirstUse(() => z.record(z.string(), ProviderLimitSchema));
export type ProviderLimits = Readonly<Record<string, ProviderLimit>>;

/** The limit for a model and the key its counters live under; the model's own entry wins over its provider's. */
export function limitFor(limits: ProviderLimits, model: ModelSpec): { key: string; limit: ProviderLimit } | null {
  const own = limits[`model:${model.id}`];
  if (own) return { key: `model:${model.id}`, limit: own };
  const provider = limits[model.provider];
  return provider ? { key: model.provider, limit: provider } : null;
}

/** Requests a single call counts against a tokens-per-minute limit. */
export const callTokens = (promptTokens: number, maxTokens: number): number => promptTokens + maxTokens;

/** Start of the fixed one-minute window that `now` falls in. */
export const minuteWindow = (now: number): number => Math.floor(now / 60_000) * 60_000;
