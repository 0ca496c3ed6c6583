// The metrics port: where business counters go (EMF through Powertools on AWS; nothing, or a captured stream, locally).
import type { MetricName } from '../config/metrics.js';

export interface Metrics {
  /** Emits the values together as one record; `context` (run, model) is searchable with the record, not a dimension. */
  emit(values: Partial<Record<MetricName, number>>, context?: Readonly<Record<string, string>>): void;
}
