import { describe, expect, it } from 'vitest';
import { usageFromCompletion } from '../../../shared/adapters/portkey-gateway.js';
import { resolveModel } from '../../../shared/config/models.js';
import { computeCost } from '../../../shared/domain/pricing.js';

describe('computeCost', () => {
  it('prices usage with genai-prices and the provider id', () => {
    const cost = computeCost({ input_tokens: 1_000_000, output_tokens: 1_000_000 }, resolveModel('gpt-4o-mini')!);
    expect(cost.source).toBe('genai-prices');
    expect(cost.usd).toBeCloseTo(0.15 + 0.6, 6);
  });

  it('returns unknown, never 0, for a model genai-prices does not know', () => {
    const cost = computeCost({ input_tokens: 1000, output_tokens: 1000 }, resolveModel('together-ai/vicuna-13b-private')!);
    expect(cost).toEqual({ usd: null, source: 'unknown', estimated: false });
  });

  it('uses a configured override before genai-prices', () => {
    const cost = computeCost({ input_tokens: 2_000_000, output_tokens: 1_000_000, cache_read_tokens: 1_000_000 }, resolveModel('gpt-4o-mini')!, {
      'gpt-4o-mini': { input_mtok: 0.1, output_mtok: 0.4, cache_read_mtok: 0.01 },
    });
    expect(cost.source).toBe('override');
    expect(cost.usd).toBeCloseTo(0.1 + 0.01 + 0.4, 9);
  });

  it('prices Anthropic cache reads below fresh input', () => {
    const haiku = resolveModel('claude-3.5-haiku')!;
    const fresh = computeCost({ input_tokens: 1_000_000, output_tokens: 0 }, haiku).usd!;
    const cached = computeCost({ input_tokens: 1_000_000, output_tokens: 0, cache_read_tokens: 1_000_000 }, haiku).usd!;
    expect(cached).toBeLessThan(fresh);
  });
});

describe('usageFromCompletion', () => {
  it('adds Anthropic cache reads and writes to prompt_tokens, as the gateway leaves them out', () => {
    const usage = usageFromCompletion(resolveModel('claude-3.5-sonnet')!, {
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: 100, completion_tokens: 5, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 },
    });
    expect(usage).toEqual({ input_tokens: 1150, output_tokens: 5, cache_read_tokens: 1000, cache_write_tokens: 50 });
  });

  it('keeps OpenAI cached tokens as a subset of prompt_tokens', () => {
    const usage = usageFromCompletion(resolveModel('gpt-4o-mini')!, {
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 60 } },
    });
    expect(usage).toEqual({ input_tokens: 100, output_tokens: 5, cache_read_tokens: 60 });
  });

  it('counts reasoning tokens as output once: inside completion_tokens for OpenAI, beside it for Gemini through the gateway', () => {
    const openai = usageFromCompletion(resolveModel('gpt-4o-mini')!, {
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: 100, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: 400 } },
    });
    expect(openai).toEqual({ input_tokens: 100, output_tokens: 500, reasoning_tokens: 400 });
    const gemini = usageFromCompletion(resolveModel('google/gemini-2.5-flash')!, {
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: 100, completion_tokens: 100, completion_tokens_details: { reasoning_tokens: 400 } },
    });
    expect(gemini).toEqual({ input_tokens: 100, output_tokens: 500, reasoning_tokens: 400 });
  });
});
