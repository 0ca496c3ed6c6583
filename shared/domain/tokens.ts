// Token counts from a tokenizer (gpt-tokenizer, o200k), for estimates and limits when a provider has not reported usage.
// The tokenizer's encoding is ~2.7 MB and costs ~300 ms to evaluate, so it is not part of any function's cold start:
// a use case that is about to count awaits `loadTokenizer()` first (capture: only for captures without usage).
import type { ChatMessage } from './judge.js';

type CountTokens = (text: string) => number;

let count: CountTokens | undefined;

/** Imports the tokenizer on first need; later calls return at once. */
export async function loadTokenizer(): Promise<void> {
  count ??= (await import('gpt-tokenizer')).countTokens;
}

export class TokenizerNotLoadedError extends Error {
  constructor() {
    super('count tokens only after `await loadTokenizer()`');
    this.name = 'TokenizerNotLoadedError';
  }
}

const counter = (): CountTokens => {
  if (!count) throw new TokenizerNotLoadedError();
  return count;
};

/** Chat-formatted prompt tokens: content plus a few tokens of framing per message, as OpenAI counts them. */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  const tokens = counter();
  let n = 3;
  for (const m of messages) n += 4 + tokens(m.content);
  return n;
}

export const countTextTokens = (text: string): number => (text ? counter()(text) : 0);
