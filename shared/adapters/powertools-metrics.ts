// The Metrics port on Powertools for AWS Lambda: each emit becomes one CloudWatch EMF record (namespace Switchyard,
// dimensions service and environment). On AWS the record goes to stdout, where Lambda's log agent turns it into
// metrics; locally `write` receives the same JSON line (a captured stream in tests).
import { Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { METRICS, METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from '../config/metrics.js';
import type { Metrics } from '../ports/index.js';

export type EmfMetricsOptions = {
  environment: string;
  /** where each EMF line goes; default: Powertools' own stdout publishing */
  write?: (line: string) => void;
};

export class EmfMetrics implements Metrics {
  readonly #metrics: PowertoolsMetrics;
  readonly #write: ((line: string) => void) | undefined;

  constructor(options: EmfMetricsOptions) {
    this.#metrics = new PowertoolsMetrics({
      namespace: METRICS_NAMESPACE,
      serviceName: METRICS_SERVICE,
      defaultDimensions: { environment: options.environment },
    });
    this.#write = options.write;
  }

  emit(values: Partial<Record<MetricName, number>>, context: Readonly<Record<string, string>> = {}): void {
    // Synchronous from first add to publish, so records of concurrent work items (one event loop) never interleave.
    let any = false;
    for (const [name, value] of Object.entries(values) as [MetricName, number | undefined][]) {
      if (value === undefined || !Number.isFinite(value)) continue;
      this.#metrics.addMetric(name, METRICS[name].unit, value);
      any = true;
    }
    if (!any) return;
    for (const [key, value] of Object.entries(context)) this.#metrics.addMetadata(key, value);
    if (!this.#write) {
      this.#metrics.publishStoredMetrics();
      return;
    }
    try {
      this.#write(JSON.stringify(this.#metrics.serializeMetrics()));
    } finally {
      this.#metrics.clearMetrics();
      this.#metrics.clearMetadata();
    }
  }
}
