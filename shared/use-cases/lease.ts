// Keeps a claimed result slot's lease alive while its holder works (limit wait, provider call, result write), so the
// lease cannot run out under a call still in flight and let a second delivery call the provider again.
import type { WorkItem } from '../schemas/messages.js';
import type { Needs } from './deps.js';

export type LeaseDeps = Needs<'results' | 'clock' | 'log', 'leaseMs'>;

export type HeldLease = {
  /** aborted when the lease could not be renewed: the call in flight should stop, its result cannot be stored */
  signal: AbortSignal;
  lost(): boolean;
  /** Stops renewing; resolves once a renewal in flight has landed (so a release after it is not undone). */
  stop(): Promise<void>;
};

/**
 * Renews the lease every third of its length (so two renewals in a row can be late before it runs out). A renewal
 * that finds the claim gone, or that fails, aborts `signal`.
 */
export function holdLease(deps: LeaseDeps, item: WorkItem, claimId: string): HeldLease {
  const controller = new AbortController();
  const leaseMs = deps.settings.leaseMs;
  let renewing: Promise<void> | null = null;
  const timer = setInterval(
    () => {
      if (renewing || controller.signal.aborted) return;
      renewing = deps.results
        .renew(item, claimId, leaseMs, deps.clock.now())
        .then(
          (held) => {
            if (!held) controller.abort(new Error('lease lost'));
          },
          (error: unknown) => {
            deps.log.warn('lease renewal failed; the call is abandoned', {
              runId: item.run_id,
              captureId: item.capture_id,
              model: item.model,
              error: error instanceof Error ? error.name : 'unknown',
            });
            controller.abort(error);
          },
        )
        .finally(() => {
          renewing = null;
        });
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  timer.unref?.();
  return {
    signal: controller.signal,
    lost: () => controller.signal.aborted,
    stop: async () => {
      clearInterval(timer);
      await renewing;
    },
  };
}
