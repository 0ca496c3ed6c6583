// The business metrics Switchyard emits as CloudWatch EMF: one definition read by the emitting wrappers
// (shared/adapters/instrumented-ports.ts), the Powertools adapter, and the alarms and dashboard (cdk/constructs/observability.ts).

export const METRICS_NAMESPACE = 'Switchyard';
/** Powertools' `service` default dimension; every metric also carries the `environment` dimension. */
export const METRICS_SERVICE = 'switchyard';

/** Each metric's unit (CloudWatch's names) and what one data point means. */
export const METRICS = {
  ProviderCalls: { unit: 'Count', help: 'replay calls sent to a provider through the gateway (every attempt)' },
  ProviderErrors: { unit: 'Count', help: 'replay calls that ended in an error (a guardrail block is not an error)' },
  ProviderThrottles: { unit: 'Count', help: 'calls (replay or judge) a provider answered with 429' },
  ProviderCostUsd: { unit: 'None', help: 'what replay calls cost, USD, from the usage each reported' },
  JudgeCalls: { unit: 'Count', help: 'judge calls (rubric, pairwise, refusal second opinion)' },
  JudgeCostUsd: { unit: 'None', help: 'what judge calls cost, USD' },
  ResultsStored: { unit: 'Count', help: 'final results written (one per run, capture and model)' },
  Refusals: { unit: 'Count', help: 'final results whose answer was a refusal' },
  BudgetSkips: { unit: 'Count', help: 'work items skipped because the run reached its budget' },
  RunsCompleted: { unit: 'Count', help: 'runs that ended completed' },
  RunsPartial: { unit: 'Count', help: 'runs that ended partial (deadline, budget, dead letters)' },
  RunsFailed: { unit: 'Count', help: 'runs that ended failed' },
  BudgetReached: { unit: 'Count', help: 'runs that ended with a budget reason' },
} as const satisfies Record<string, { unit: 'Count' | 'None'; help: string }>;

export type MetricName = keyof typeof METRICS;
