// The catalog: the providers Switchyard routes to and the models it knows, as data (STYLE 5). The gateway adapter,
// the settings, the local stack and the provider simulator all read it; a model not listed can still be used as
// "provider/api-model". A new provider is one PROVIDERS entry (and its wire format in the gateway adapter if new).
import type { ProviderLimit } from '../domain/limits.js';
import type { ModelSpec } from '../domain/model.js';

export type { ModelSpec } from '../domain/model.js';

export type ProviderSpec = {
  /** Portkey provider slug (x-portkey-provider) */
  slug: string;
  /** environment variable (or provider-secret key) that holds its API key for the self-hosted gateway */
  keyVar: string;
  /** wire format it speaks behind the gateway */
  wire: ModelSpec['wire'];
  /** genai-prices provider id, where it differs from the slug */
  priceProviderId?: string;
  /** conservative default limits, well under the providers' published tier-1 limits; raise them in cdk.json settings */
  defaultLimit?: ProviderLimit;
  /** the local stack serves it from the provider simulator when no key is configured */
  simulated: boolean;
};

export const PROVIDERS: readonly ProviderSpec[] = [
  { slug: 'openai', keyVar: 'OPENAI_API_KEY', wire: 'openai', defaultLimit: { maxConcurrency: 20, rpm: 500, tpm: 200_000 }, simulated: true },
  { slug: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', wire: 'anthropic', defaultLimit: { maxConcurrency: 10, rpm: 50, tpm: 40_000 }, simulated: true },
  { slug: 'groq', keyVar: 'GROQ_API_KEY', wire: 'openai', defaultLimit: { maxConcurrency: 10, rpm: 30, tpm: 6_000 }, simulated: true },
  {
    slug: 'mistral-ai',
    keyVar: 'MISTRAL_API_KEY',
    wire: 'openai',
    priceProviderId: 'mistral',
    defaultLimit: { maxConcurrency: 5, rpm: 60, tpm: 500_000 },
    simulated: true,
  },
  { slug: 'cohere', keyVar: 'COHERE_API_KEY', wire: 'cohere', defaultLimit: { maxConcurrency: 5, rpm: 100, tpm: 100_000 }, simulated: true },
];

const PROVIDER_BY_SLUG = new Map(PROVIDERS.map((p) => [p.slug, p]));

/** Providers the local stack's simulator stands in for. */
export const SIMULATED_PROVIDERS: readonly string[] = PROVIDERS.filter((p) => p.simulated).map((p) => p.slug);

const model = (id: string, provider: string, apiModel: string, price: ModelSpec['price'] | 'same' = 'same'): ModelSpec => {
  const p = PROVIDER_BY_SLUG.get(provider);
  return {
    id,
    provider,
    apiModel,
    price: price === 'same' ? { providerId: p?.priceProviderId ?? provider, modelId: apiModel } : price,
    wire: p?.wire ?? 'openai',
  };
};

const CATALOG: readonly ModelSpec[] = [
  model('gpt-4o-mini', 'openai', 'gpt-4o-mini'),
  model('gpt-4o', 'openai', 'gpt-4o'),
  model('gpt-4', 'openai', 'gpt-4'),
  model('gpt-3.5-turbo', 'openai', 'gpt-3.5-turbo'),
  model('claude-3.5-sonnet', 'anthropic', 'claude-3-5-sonnet-20241022'),
  model('claude-3.5-haiku', 'anthropic', 'claude-3-5-haiku-20241022'),
  model('llama-3.3-70b', 'groq', 'llama-3.3-70b-versatile'),
  model('mistral-large', 'mistral-ai', 'mistral-large-latest'),
  model('command-r', 'cohere', 'command-r'),
];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

export const KNOWN_MODELS: readonly string[] = CATALOG.map((m) => m.id);

/** The seed's seven models: what POST /v1/analyze compares when no models are named (the first is the baseline). */
export const SEED_MODELS = ['gpt-4o-mini', 'gpt-3.5-turbo', 'claude-3.5-sonnet', 'claude-3.5-haiku', 'llama-3.3-70b', 'mistral-large', 'command-r'] as const;

/** Resolves a model name: a catalog id, or "provider/api-model" for anything else (priced if genai-prices knows it). */
export function resolveModel(id: string): ModelSpec | undefined {
  const known = BY_ID.get(id);
  if (known) return known;
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  const provider = id.slice(0, slash);
  const apiModel = id.slice(slash + 1);
  return { ...model(id, provider, apiModel), wire: PROVIDER_BY_SLUG.get(provider)?.wire ?? (provider === 'anthropic' ? 'anthropic' : 'openai') };
}

/** Default provider limits, from the catalog. */
export const DEFAULT_PROVIDER_LIMITS: Readonly<Record<string, ProviderLimit>> = Object.fromEntries(
  PROVIDERS.filter((p) => p.defaultLimit).map((p) => [p.slug, p.defaultLimit as ProviderLimit]),
);

/** Environment variable that holds each provider's key (self-hosted gateway or hosted Portkey without virtual keys). */
export const PROVIDER_KEY_VARS: Readonly<Record<string, string>> = Object.fromEntries(PROVIDERS.map((p) => [p.slug, p.keyVar]));
