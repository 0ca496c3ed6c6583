// When a retryable failure should be tried again: exponential backoff with jitter, never sooner than Retry-After.

export function backoffSeconds(input: {
  attempt: number;
  retryAfterSeconds: number | null;
  baseSeconds: number;
  maxSeconds: number;
  random: () => number;
}): number {
  const exp = Math.min(input.maxSeconds, input.baseSeconds * 2 ** Math.max(0, input.attempt - 1));
  const jittered = exp * (0.5 + 0.5 * input.random());
  const floor = input.retryAfterSeconds ?? 0;
  // Retry-After wins even past the cap: the provider said when it will take the call.
  return Math.max(floor, jittered);
}
