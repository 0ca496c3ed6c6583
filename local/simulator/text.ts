// Deterministic answer text for the simulated models: plausible prose of a given length, and refusals.
import { seededRandom } from '../../shared/domain/random.js';

const OPENERS = [
  'Here is a clear answer to your question about',
  'Good question. Let me walk through',
  'Below is a practical overview of',
  'Sure. This is how I would approach',
  'Happy to help with',
];

const SENTENCES = [
  'The first thing to check is whether the inputs match what the system expects.',
  'In most cases the simplest approach is also the most reliable one.',
  'A short example makes the idea concrete and easy to verify.',
  'Keep in mind that the details depend on your environment and constraints.',
  'If the result looks wrong, compare it with a known good case step by step.',
  'This trade-off favours readability over raw speed, which is usually right.',
  'Write the steps down so the next person can repeat them.',
  'Measure before and after the change so the improvement is visible.',
  'Edge cases such as empty input or very large values deserve a separate test.',
  'The same pattern applies to similar problems with only small changes.',
  'Start with a small version, confirm it works, then extend it.',
  'Document the assumptions, because they are the first thing to change later.',
  'When in doubt, prefer the option that is easiest to undo.',
  'A checklist helps avoid the most common mistakes here.',
  'Finally, review the outcome with the people who will use it.',
  'The numbers should be rounded only at the very end to avoid drift.',
  'Be explicit about units and time zones to prevent confusion.',
  'Customers usually value a quick, honest answer over a long one.',
  'Each part can be tested on its own before combining them.',
  'This keeps the solution maintainable as requirements grow.',
];

const FULL_REFUSALS = [
  "I'm sorry, but I can't help with that request.",
  "I can't assist with that. It could cause real harm to people.",
  'I cannot help with this request.',
  "Sorry, but I won't provide instructions for that.",
];

const PARTIAL_REFUSALS = [
  "I can't help with the specific request, but here is some safer, related information that may be useful.",
  "I won't provide that exactly. However, I can share general background on the topic.",
];

/** Key words from the prompt, so answers stay on topic. */
export function topicOf(prompt: string): string {
  const words = prompt
    .toLowerCase()
    .replace(/[^a-z0-9\s]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 4)
    .slice(0, 4);
  return words.length ? words.join(' ') : 'your request';
}

export function composeAnswer(input: { seed: number; prompt: string; targetWords: number; label: string }): string {
  const rand = seededRandom(input.seed);
  const parts = [`${OPENERS[Math.floor(rand() * OPENERS.length)]} ${topicOf(input.prompt)} (${input.label}).`];
  let words = parts[0]!.split(' ').length;
  while (words < input.targetWords) {
    const s = SENTENCES[Math.floor(rand() * SENTENCES.length)] as string;
    parts.push(s);
    words += s.split(' ').length;
  }
  return parts.join(' ');
}

export function composeRefusal(input: { seed: number; partial: boolean; prompt: string; label: string }): string {
  const rand = seededRandom(input.seed);
  if (!input.partial) return `${FULL_REFUSALS[Math.floor(rand() * FULL_REFUSALS.length)]} (${input.label})`;
  const head = PARTIAL_REFUSALS[Math.floor(rand() * PARTIAL_REFUSALS.length)] as string;
  return `${head} ${composeAnswer({ seed: input.seed + 1, prompt: input.prompt, targetWords: 60, label: input.label })}`;
}
