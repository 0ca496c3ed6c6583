// Cost of one call: normalized usage × prices from @pydantic/genai-prices (bundled data, no network) or an override.
// genai-prices builds its whole catalog (~466 kB) when loaded, so it is loaded on the first cost, not at cold start; the
// load is synchronous (a require), so costs stay plain functions. In a function bundle it is shipped beside index.mjs
// (LAZY_MODULES, cdk/constructs/app-function.ts).
import { createRequire } from 'node:module';
import type * as GenaiPrices from '@pydantic/genai-prices';
import type { ModelSpec } from './model.js';
import type { PriceOverride, TokenUsage } from './usage.js';

export type { PriceOverride, TokenUsage } from './usage.js';

let genaiPrices: typeof GenaiPrices | undefined;
const calcPrice: typeof GenaiPrices.calcPrice = (...args) => {
  genaiPrices ??= createRequire(import.meta.url)('@pydantic/genai-prices') as typeof GenaiPrices;
  return genaiPrices.calcPrice(...args);
};

export type Cost = { usd: number; source: 'genai-prices' | 'override'; estimated: boolean } | { usd: null; source: 'unknown'; estimated: boolean };

export function computeCost(usage: TokenUsage, model: ModelSpec, overrides: Readonly<Record<string, PriceOverride>> = {}): Cost {
  const estimated = usage.estimated === true;
  const override = overrides[model.id];
  if (override) {
    const cacheRead = usage.cache_read_tokens ?? 0;
    const cacheWrite = usage.cache_write_tokens ?? 0;
    const plainInput = Math.max(0, usage.input_tokens - cacheRead - cacheWrite);
    const usd =
      (plainInput * override.input_mtok +
        cacheRead * (override.cache_read_mtok ?? override.input_mtok) +
        cacheWrite * (override.cache_write_mtok ?? override.input_mtok) +
        usage.output_tokens * override.output_mtok) /
      1e6;
    return { usd, source: 'override', estimated };
  }
  if (!model.price) return { usd: null, source: 'unknown', estimated };
  const result = calcPrice(
    {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_read_tokens: usage.cache_read_tokens,
      cache_write_tokens: usage.cache_write_tokens,
    },
    model.price.modelId,
    { providerId: model.price.providerId },
  );
  if (!result) return { usd: null, source: 'unknown', estimated };
  return { usd: result.total_price, source: 'genai-prices', estimated };
}

/** Whether a price is known for the model (override or genai-prices). */
export function isPriced(model: ModelSpec, overrides: Readonly<Record<string, PriceOverride>> = {}): boolean {
  return computeCost({ input_tokens: 1000, output_tokens: 1000 }, model, overrides).usd !== null;
}
