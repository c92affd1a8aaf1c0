import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { getS3Client } from '../client';
import { ObjectGoneError, PipelineError, TransientError, toPipelineError } from '../errors';
import { parseEvent, type ParsedEvent, type WorkItem } from '../events/parseEvent';
import type { Logger } from '../logger';
import { eventTimes } from './eventTime';
import { mapBounded } from './mapBounded';
import { createMetrics, InvocationMetrics } from './metrics';
import { createProcessContext, type ProcessContext } from './processContext';
import { handlerSettings, type HandlerSettings } from './settings';
import { processObject } from './processObject';
import { versionKey } from './sameVersion';
import type { SkipReason } from './skipReasons';
import type { ObjectRef } from '../types';
import type { HandlerSummary, ObjectReport, PipelineDefinition } from './types';
import { writeMeter } from './writeMeter';

interface ItemResult {
  item: WorkItem;
  reports: ObjectReport[];
  /** The worst failure of the item, if any. */
  failure?: PipelineError;
  /** Not started: too little time was left. */
  deferred?: boolean;
}

interface RefResult {
  report: ObjectReport;
  error?: PipelineError;
}

/** What every item of one invocation shares: its tally for the metrics, its event times. */
interface Invocation {
  context: ProcessContext;
  tally: InvocationMetrics;
  /** Item id -> when its event says the object was created (epoch ms); none for Batch. */
  eventTimes: Map<string, number>;
  /** versionKey -> the first processing of that version in this invocation. */
  versions: Map<string, Promise<RefResult>>;
}

const DEFAULT_RECORD_CONCURRENCY = 2;

class Pipeline {
  private readonly settings: HandlerSettings;
  private readonly concurrency: number;
  private readonly metrics: Metrics;

  constructor(private readonly definition: PipelineDefinition) {
    this.metrics = createMetrics(definition.processor);
    this.settings = { ...handlerSettings(), ...definition.settings };
    this.concurrency =
      this.settings.RECORD_CONCURRENCY ??
      definition.recordConcurrency ??
      DEFAULT_RECORD_CONCURRENCY;
  }

  private get logger(): Logger {
    return this.definition.logger;
  }

  async processRef(ref: ObjectRef, context: ProcessContext): Promise<RefResult> {
    const started = Date.now();
    const base = { bucket: ref.bucket, key: ref.key, versionId: ref.versionId };
    const skipped = (reason: SkipReason, extra: Partial<ObjectReport>) =>
      ({
        report: { ...base, outcome: 'skipped', reason, ...extra, durationMs: Date.now() - started },
      }) as const;
    try {
      const result = await processObject(this.definition, ref, context);
      return { report: { ...base, ...result, durationMs: Date.now() - started } };
    } catch (thrown) {
      if (thrown instanceof ObjectGoneError) return skipped('gone', { error: thrown.message });
      const error = toPipelineError(thrown, `${ref.bucket}/${ref.key}`);
      const report = {
        ...base,
        outcome: 'failed',
        error: error.message,
        retryable: error.retryable,
        durationMs: Date.now() - started,
      } as const;
      return { report, error };
    }
  }

  /**
   * A version announced twice in one invocation (a duplicate notification landing in the same
   * queue batch) is processed once. The records run side by side, so both copies would pass the
   * already-done check before either had written, and both would write the output. The second
   * waits for the first and reports what it made as already done, or its failure as its own.
   */
  async processOnce(ref: ObjectRef, run: Invocation): Promise<RefResult> {
    const id = versionKey(ref);
    const first = id === undefined ? undefined : run.versions.get(id);
    if (!first) {
      const result = this.processRef(ref, run.context);
      if (id !== undefined) run.versions.set(id, result);
      return result;
    }
    const started = Date.now();
    const { report, error } = await first;
    const durationMs = Date.now() - started;
    if (report.outcome !== 'processed') return { report: { ...report, durationMs }, error };
    const { bucket, key, versionId } = report;
    return {
      report: { bucket, key, versionId, outcome: 'skipped', reason: 'already-done', durationMs },
    };
  }

  private log(report: ObjectReport): void {
    if (report.outcome === 'failed') this.logger.error('object failed', { ...report });
    else this.logger.info(`object ${report.outcome}`, { ...report });
  }

  async runItem(item: WorkItem, run: Invocation): Promise<ItemResult> {
    if (item.error) {
      this.logger.error('message rejected', {
        item: item.id,
        error: item.error.message,
        retryable: false,
      });
      run.tally.failure(false);
      return { item, reports: [], failure: item.error };
    }
    if (item.ignored) {
      this.logger.info('message ignored', { item: item.id, reason: item.ignored });
      return { item, reports: [] };
    }
    const reports: ObjectReport[] = [];
    let failure: PipelineError | undefined;
    const eventTime = run.eventTimes.get(item.id);
    for (const ref of item.refs) {
      const lagMs = eventTime === undefined ? undefined : Math.max(0, Date.now() - eventTime);
      const { report, error } = await this.processOnce(ref, run);
      this.log(report);
      run.tally.object(report, lagMs);
      reports.push(report);
      // A transient failure outranks a permanent one: the item is worth retrying.
      if (error && (!failure || error.retryable)) failure = error;
    }
    return { item, reports, failure };
  }

  /**
   * The items with bounded concurrency. Once one has started, a later one starts only while
   * more time is left than MIN_TIME_LEFT_MS and than the slowest item so far took; the rest are
   * deferred, to come back unprocessed rather than time out the whole invocation.
   */
  async runItems(items: WorkItem[], run: Invocation): Promise<ItemResult[]> {
    const { context } = run;
    let started = 0;
    let slowestMs = 0;
    return mapBounded(items, this.concurrency, async (item) => {
      const reserve = Math.max(this.settings.MIN_TIME_LEFT_MS, slowestMs);
      if (started > 0 && context.remainingMs() < reserve) {
        this.logger.warn('record deferred: too little time left', {
          item: item.id,
          remainingMs: context.remainingMs(),
          reserveMs: reserve,
        });
        return { item, reports: [], deferred: true };
      }
      started += 1;
      const began = Date.now();
      const result = await this.runItem(item, run);
      slowestMs = Math.max(slowestMs, Date.now() - began);
      return result;
    });
  }

  async handle(event: unknown, lambda?: Context): Promise<unknown> {
    if (lambda) this.logger.addContext(lambda);
    let parsed: ParsedEvent;
    try {
      parsed = parseEvent(event);
    } catch (error) {
      this.logger.error('event rejected', { error: (error as Error).message, retryable: false });
      throw error;
    }
    if (parsed.source === 'test') {
      this.logger.info('s3:TestEvent ignored');
      return summarise([]);
    }
    const s3 = (this.definition.s3 ?? getS3Client)();
    const meter = writeMeter(s3);
    const writtenBefore = meter.bytes;
    const run: Invocation = {
      context: createProcessContext({
        s3,
        logger: this.logger,
        processor: this.definition.processor,
        lambda,
      }),
      tally: new InvocationMetrics(),
      eventTimes: eventTimes(event),
      versions: new Map(),
    };
    try {
      return this.answer(parsed, await this.runItems(parsed.items, run));
    } finally {
      // Once per invocation, also when it throws for a retry: the failure is what to count.
      this.publish(run.tally, meter.bytes - writtenBefore);
    }
  }

  /** Metrics never fail an invocation: a line that cannot be written is a warning. */
  private publish(tally: InvocationMetrics, bytesWritten: number): void {
    try {
      tally.publish(this.metrics, bytesWritten);
    } catch (error) {
      this.logger.warn('metrics not published', { error: (error as Error).message });
    }
  }

  /** The answer the event's source expects (see createPipelineHandler). */
  private answer(parsed: ParsedEvent, results: ItemResult[]): unknown {
    if (parsed.source === 'sqs') {
      return {
        batchItemFailures: results
          .filter((r) => r.deferred || r.failure?.retryable)
          .map((r) => ({ itemIdentifier: r.item.id })),
      };
    }
    if (parsed.source === 'batch') return batchResponse(parsed, results);
    const transient = results.find((r) => r.failure?.retryable);
    if (transient) throw transient.failure;
    const deferred = results.find((r) => r.deferred);
    if (deferred) throw new TransientError(`${deferred.item.id} deferred: too little time left`);
    return summarise(results);
  }
}

function summarise(results: ItemResult[]): HandlerSummary {
  const objects = results.flatMap((r) => r.reports);
  const count = (outcome: ObjectReport['outcome']): number =>
    objects.filter((o) => o.outcome === outcome).length;
  return {
    processed: count('processed'),
    skipped: count('skipped'),
    failed: count('failed'),
    objects,
  };
}

function batchResult({ item, reports, failure, deferred }: ItemResult) {
  if (deferred) {
    return {
      taskId: item.id,
      resultCode: 'TemporaryFailure',
      resultString: 'deferred: too little time left',
    };
  }
  if (failure) {
    return {
      taskId: item.id,
      resultCode: failure.retryable ? 'TemporaryFailure' : 'PermanentFailure',
      resultString: failure.message,
    };
  }
  return {
    taskId: item.id,
    resultCode: 'Succeeded',
    resultString: reports
      .map((r) => (r.reason ? `${r.outcome}: ${r.reason}` : r.outcome))
      .join('; '),
  };
}

function batchResponse(parsed: ParsedEvent, results: ItemResult[]) {
  return {
    invocationSchemaVersion: parsed.batch!.invocationSchemaVersion,
    treatMissingKeysAs: 'PermanentFailure',
    invocationId: parsed.batch!.invocationId,
    results: results.map(batchResult),
  };
}

/**
 * The one handler every function uses. It parses the event, applies every skip rule (the table
 * in SKIP_REASONS), runs the function's `process` for each object that passes them, logs one
 * structured line per object (with the request id), and answers in the shape the event's source
 * expects:
 *
 * - SQS: `batchItemFailures` lists the messages with a transient failure and those deferred for
 *   lack of time, so only those come back; permanent failures are logged and dropped
 *   (redelivery would fail the same way).
 * - S3 Batch Operations: the Batch result format, TemporaryFailure or PermanentFailure per task.
 * - Direct S3 or EventBridge invocations: a transient failure is thrown so Lambda retries the
 *   event (then sends it to the on-failure destination); permanent ones are logged, not retried.
 *
 * An event of unknown shape throws UnsupportedEventError naming what arrived.
 */
export function createPipelineHandler(definition: PipelineDefinition) {
  const pipeline = new Pipeline(definition);
  return (event: unknown, lambda?: Context): Promise<unknown> => pipeline.handle(event, lambda);
}
