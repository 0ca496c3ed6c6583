// Token counts from a tokenizer (gpt-tokenizer, o200k), for estimates and limits when a provider has not reported usage.
import { countTokens } from 'gpt-tokenizer';
import type { ChatMessage } from './judge.js';

/** Chat-formatted prompt tokens: content plus a few tokens of framing per message, as OpenAI counts them. */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  let n = 3;
  for (const m of messages) n += 4 + countTokens(m.content);
  return n;
}

export const countTextTokens = (text: string): number => (text ? countTokens(text) : 0);
