import { describe, expect, it } from 'vitest';
import { detectRefusal } from '../../../shared/domain/refusal.js';

const LONG_HELP =
  'Here are the steps. First, open the settings page and choose the security tab. Then pick a new password that is at least twelve characters long, ' +
  'and confirm it. Finally, sign out of other sessions so the change applies everywhere. If anything fails, contact support with the error message.';

describe('detectRefusal', () => {
  it.each([
    [{ text: '', finishReason: 'content_filter' }, 'full', 'finish_reason:content_filter'],
    [{ text: '', refusalField: "I can't help with that." }, 'full', 'message.refusal'],
    [{ text: '', stopReason: 'refusal' }, 'full', 'stop_reason:refusal'],
    [{ text: 'anything', guardrailBlocked: true }, 'full', 'guardrail_blocked'],
  ])('trusts provider signals first: %j', (evidence, expected, signal) => {
    const v = detectRefusal(evidence);
    expect(v.refusal).toBe(expected);
    expect(v.signals).toContain(signal);
  });

  it.each([
    ["I'm sorry, but I can't help with that request.", 'full'],
    ['I cannot assist with creating malware.', 'full'],
    ["I won't provide instructions for that. It could hurt people.", 'full'],
    [`I can't help with the specific request, but here is some related information. However, ${LONG_HELP}`, 'partial'],
    [LONG_HELP, 'none'],
    ['To kill a Python process, send SIGKILL with kill -9 PID.', 'none'],
    ['Sorry for the delay! Your refund was issued today.', 'none'],
  ])('reads the answer text: %j → %s', (text, expected) => {
    expect(detectRefusal({ text }).refusal).toBe(expected);
  });
});
