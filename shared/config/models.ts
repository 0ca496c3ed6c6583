// The model catalog: how Switchyard names a model, how Portkey routes it, and how genai-prices prices it.
// Data, not branches (STYLE 5). A model not listed here can still be used as "provider/api-model".

export type ModelSpec = {
  /** Switchyard's name for the model, used in API requests and records. */
  id: string;
  /** Portkey provider slug (x-portkey-provider). */
  provider: string;
  /** Model name sent to the provider. */
  apiModel: string;
  /** genai-prices provider id and model id, or null when genai-prices has no price for it. */
  price: { providerId: string; modelId: string } | null;
  /** Wire format the provider speaks behind the gateway. */
  wire: 'openai' | 'anthropic';
};

const CATALOG: readonly ModelSpec[] = [
  { id: 'gpt-4o-mini', provider: 'openai', apiModel: 'gpt-4o-mini', price: { providerId: 'openai', modelId: 'gpt-4o-mini' }, wire: 'openai' },
  { id: 'gpt-4o', provider: 'openai', apiModel: 'gpt-4o', price: { providerId: 'openai', modelId: 'gpt-4o' }, wire: 'openai' },
  { id: 'gpt-4', provider: 'openai', apiModel: 'gpt-4', price: { providerId: 'openai', modelId: 'gpt-4' }, wire: 'openai' },
  { id: 'gpt-3.5-turbo', provider: 'openai', apiModel: 'gpt-3.5-turbo', price: { providerId: 'openai', modelId: 'gpt-3.5-turbo' }, wire: 'openai' },
  { id: 'claude-3.5-sonnet', provider: 'anthropic', apiModel: 'claude-3-5-sonnet-20241022', price: { providerId: 'anthropic', modelId: 'claude-3-5-sonnet-20241022' }, wire: 'anthropic' },
  { id: 'claude-3.5-haiku', provider: 'anthropic', apiModel: 'claude-3-5-haiku-20241022', price: { providerId: 'anthropic', modelId: 'claude-3-5-haiku-20241022' }, wire: 'anthropic' },
  { id: 'llama-3.3-70b', provider: 'groq', apiModel: 'llama-3.3-70b-versatile', price: { providerId: 'groq', modelId: 'llama-3.3-70b-versatile' }, wire: 'openai' },
  { id: 'mistral-large', provider: 'mistral-ai', apiModel: 'mistral-large-latest', price: { providerId: 'mistral', modelId: 'mistral-large-latest' }, wire: 'openai' },
  // Cohere's OpenAI-compatible endpoint: Portkey's `openai` provider with Cohere's compatibility host.
  { id: 'command-r', provider: 'openai', apiModel: 'command-r', price: { providerId: 'cohere', modelId: 'command-r' }, wire: 'openai' },
];

const BY_ID = new Map(CATALOG.map((m) => [m.id, m]));

export const KNOWN_MODELS: readonly string[] = CATALOG.map((m) => m.id);

/** Resolves a model name: a catalog id, or "provider/api-model" for anything else (priced if genai-prices knows it). */
export function resolveModel(id: string): ModelSpec | undefined {
  const known = BY_ID.get(id);
  if (known) return known;
  const slash = id.indexOf('/');
  if (slash <= 0 || slash === id.length - 1) return undefined;
  const provider = id.slice(0, slash);
  const apiModel = id.slice(slash + 1);
  return {
    id,
    provider,
    apiModel,
    price: { providerId: provider === 'mistral-ai' ? 'mistral' : provider, modelId: apiModel },
    wire: provider === 'anthropic' ? 'anthropic' : 'openai',
  };
}
