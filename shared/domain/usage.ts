// Token usage and price overrides as records (schemas only: pricing.ts, which loads the price data, computes costs).
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

/** Token usage, normalized across providers. `input_tokens` is the whole input, cached tokens included. */
export const TokenUsageSchema = onFirstUse(() =>
  z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_read_tokens: z.optional(z.number()),
    cache_write_tokens: z.optional(z.number()),
    /** reasoning ("thinking") tokens, already counted in output_tokens and priced as output (as providers bill them) */
    reasoning_tokens: z.optional(z.number()),
    /** true when counted by a tokenizer rather than reported by the provider */
    estimated: z.optional(z.boolean()),
  }),
);
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/** USD per million tokens; negotiated or private-model prices. */
export const PriceOverrideSchema = onFirstUse(() =>
  z.object({
    input_mtok: z.number().check(z.nonnegative()),
    output_mtok: z.number().check(z.nonnegative()),
    cache_read_mtok: z.optional(z.number().check(z.nonnegative())),
    cache_write_mtok: z.optional(z.number().check(z.nonnegative())),
  }),
);
export type PriceOverride = z.infer<typeof PriceOverrideSchema>;
