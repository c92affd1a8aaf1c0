import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SkipReason } from './skipReasons';
import type { ObjectReport } from './types';

/** CloudWatch namespace of every pipeline's metrics, unless POWERTOOLS_METRICS_NAMESPACE says otherwise. */
export const METRICS_NAMESPACE = 's3-pipelines';

/**
 * Every metric the handler emits, with its unit and the dimension sets it is published under.
 * `service` is the pipeline's name (POWERTOOLS_SERVICE_NAME); `reason` takes only the values of
 * SKIP_REASONS and `retryable` only `true` or `false`, so no dimension is high-cardinality (keys
 * and buckets are in the logs, never in a dimension). docs/operations.md documents this table
 * and a test fails when the two differ.
 */
export const METRICS = {
  ObjectsProcessed: { unit: MetricUnit.Count, dimensions: [['service']] },
  ObjectsSkipped: { unit: MetricUnit.Count, dimensions: [['service'], ['service', 'reason']] },
  ObjectsFailed: { unit: MetricUnit.Count, dimensions: [['service'], ['service', 'retryable']] },
  BytesRead: { unit: MetricUnit.Bytes, dimensions: [['service']] },
  BytesWritten: { unit: MetricUnit.Bytes, dimensions: [['service']] },
  ProcessingTime: { unit: MetricUnit.Milliseconds, dimensions: [['service']] },
  EventLag: { unit: MetricUnit.Milliseconds, dimensions: [['service']] },
} as const;

export type MetricName = keyof typeof METRICS;

/** The Powertools Metrics of one pipeline, created once per container like its logger. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || serviceName,
  });
}

/**
 * What one invocation did, counted as it happens and published once at its end: one EMF line
 * under `[service]` with every metric, then one line per skip reason and per failure kind seen
 * (a dimension set applies to every metric of its line, so `reason` cannot share the first).
 */
export class InvocationMetrics {
  private processed = 0;
  private skippedTotal = 0;
  private failedTotal = 0;
  private bytesRead = 0;
  private readonly skipped = new Map<SkipReason, number>();
  private readonly failed = new Map<boolean, number>();
  private readonly durations: number[] = [];
  private readonly lags: number[] = [];

  /** One object's outcome; `lagMs` is how old its event was when its processing started. */
  object(report: ObjectReport, lagMs?: number): void {
    if (report.outcome === 'processed') this.processed += 1;
    if (report.outcome === 'skipped') {
      this.skippedTotal += 1;
      if (report.reason)
        this.skipped.set(report.reason, (this.skipped.get(report.reason) ?? 0) + 1);
    }
    if (report.outcome === 'failed') this.failure(report.retryable ?? false);
    this.bytesRead += report.bytes ?? 0;
    this.durations.push(report.durationMs);
    if (lagMs !== undefined) this.lags.push(lagMs);
  }

  /** A failure with no object: a message that could not be read (always permanent). */
  failure(retryable: boolean): void {
    this.failedTotal += 1;
    this.failed.set(retryable, (this.failed.get(retryable) ?? 0) + 1);
  }

  private empty(): boolean {
    return this.processed + this.skippedTotal + this.failedTotal === 0;
  }

  /** Prints the EMF lines (nothing for an invocation without objects, such as s3:TestEvent). */
  publish(metrics: Metrics, bytesWritten: number): void {
    if (this.empty()) return;
    const add = (name: MetricName, value: number) =>
      metrics.addMetric(name, METRICS[name].unit, value);
    add('ObjectsProcessed', this.processed);
    add('ObjectsSkipped', this.skippedTotal);
    add('ObjectsFailed', this.failedTotal);
    add('BytesRead', this.bytesRead);
    add('BytesWritten', bytesWritten);
    // Repeated values become one EMF value array, so percentiles stay per object.
    for (const ms of this.durations) add('ProcessingTime', ms);
    for (const ms of this.lags) add('EventLag', ms);
    metrics.publishStoredMetrics();
    for (const [reason, count] of this.skipped) {
      const single = metrics.singleMetric();
      single.addDimension('reason', reason);
      single.addMetric('ObjectsSkipped', METRICS.ObjectsSkipped.unit, count);
    }
    for (const [retryable, count] of this.failed) {
      const single = metrics.singleMetric();
      single.addDimension('retryable', String(retryable));
      single.addMetric('ObjectsFailed', METRICS.ObjectsFailed.unit, count);
    }
  }
}
