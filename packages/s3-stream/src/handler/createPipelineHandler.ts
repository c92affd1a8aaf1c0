import type { Logger } from '@aws-lambda-powertools/logger';
import { ObjectGoneError, PipelineError, toPipelineError } from '../errors';
import { parseEvent, type ParsedEvent, type WorkItem } from '../events/parseEvent';
import type { ObjectRef } from '../types';

/** What a function's core reports for one object. */
export interface ProcessResult {
  outcome: 'processed' | 'skipped';
  /** Why it was skipped, in a few words (stable: dashboards filter on it). */
  reason?: string;
  /** Bytes read from the source. */
  bytes?: number;
  /** Anything the function wants returned and logged (e.g. the checksum). */
  output?: Record<string, unknown>;
}

export interface ObjectReport {
  bucket: string;
  key: string;
  versionId?: string;
  outcome: 'processed' | 'skipped' | 'failed';
  reason?: string;
  error?: string;
  retryable?: boolean;
  bytes?: number;
  durationMs: number;
  output?: Record<string, unknown>;
}

export interface HandlerSummary {
  processed: number;
  skipped: number;
  failed: number;
  objects: ObjectReport[];
}

export interface PipelineHandlerOptions {
  logger: Logger;
  /** The recursion guard: true for keys this function wrote itself. */
  isOwnOutput?: (ref: ObjectRef) => boolean;
  process: (ref: ObjectRef) => Promise<ProcessResult>;
}

interface ItemResult {
  item: WorkItem;
  reports: ObjectReport[];
  /** The worst failure of the item, if any. */
  failure?: PipelineError;
}

async function processRef(
  options: PipelineHandlerOptions,
  ref: ObjectRef,
): Promise<{ report: ObjectReport; error?: PipelineError }> {
  const started = Date.now();
  const base = { bucket: ref.bucket, key: ref.key, versionId: ref.versionId };
  if (options.isOwnOutput?.(ref)) {
    return { report: { ...base, outcome: 'skipped', reason: 'own-output', durationMs: 0 } };
  }
  try {
    const result = await options.process(ref);
    return { report: { ...base, ...result, durationMs: Date.now() - started } };
  } catch (thrown) {
    const durationMs = Date.now() - started;
    if (thrown instanceof ObjectGoneError) {
      const report = {
        ...base,
        outcome: 'skipped',
        reason: 'gone',
        error: thrown.message,
        durationMs,
      } as const;
      return { report };
    }
    const error = toPipelineError(thrown, `${ref.bucket}/${ref.key}`);
    const report = {
      ...base,
      outcome: 'failed',
      error: error.message,
      retryable: error.retryable,
      durationMs,
    } as const;
    return { report, error };
  }
}

function log(logger: Logger, report: ObjectReport): void {
  if (report.outcome === 'failed') logger.error('object failed', { ...report });
  else logger.info(`object ${report.outcome}`, { ...report });
}

async function runItem(options: PipelineHandlerOptions, item: WorkItem): Promise<ItemResult> {
  if (item.error) {
    options.logger.error('message rejected', {
      item: item.id,
      error: item.error.message,
      retryable: false,
    });
    return { item, reports: [], failure: item.error };
  }
  if (item.ignored) {
    options.logger.info('message ignored', { item: item.id, reason: item.ignored });
    return { item, reports: [] };
  }
  const reports: ObjectReport[] = [];
  let failure: PipelineError | undefined;
  for (const ref of item.refs) {
    const { report, error } = await processRef(options, ref);
    log(options.logger, report);
    reports.push(report);
    // A transient failure outranks a permanent one: the item is worth retrying.
    if (error && (!failure || error.retryable)) failure = error;
  }
  return { item, reports, failure };
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

function batchResponse(parsed: ParsedEvent, results: ItemResult[]) {
  return {
    invocationSchemaVersion: parsed.batch!.invocationSchemaVersion,
    treatMissingKeysAs: 'PermanentFailure',
    invocationId: parsed.batch!.invocationId,
    results: results.map(({ item, reports, failure }) => ({
      taskId: item.id,
      resultCode: failure
        ? failure.retryable
          ? 'TemporaryFailure'
          : 'PermanentFailure'
        : 'Succeeded',
      resultString: failure
        ? failure.message
        : reports.map((r) => (r.reason ? `${r.outcome}: ${r.reason}` : r.outcome)).join('; '),
    })),
  };
}

/**
 * The one handler every function uses. It parses the event, runs `process` for each object, logs
 * one structured line per object, and answers in the shape the event's source expects:
 *
 * - SQS: `batchItemFailures` lists the messages with a transient failure, so only those come
 *   back; permanent failures are logged and dropped (redelivery would fail the same way).
 * - S3 Batch Operations: the Batch result format, TemporaryFailure or PermanentFailure per task.
 * - Direct S3 or EventBridge invocations: a transient failure is thrown so Lambda retries the
 *   event (then sends it to the on-failure destination); permanent ones are logged, not retried.
 *
 * An event of unknown shape throws UnsupportedEventError naming what arrived.
 */
export function createPipelineHandler(options: PipelineHandlerOptions) {
  return async (event: unknown): Promise<unknown> => {
    let parsed: ParsedEvent;
    try {
      parsed = parseEvent(event);
    } catch (error) {
      options.logger.error('event rejected', { error: (error as Error).message, retryable: false });
      throw error;
    }
    if (parsed.source === 'test') {
      options.logger.info('s3:TestEvent ignored');
      return summarise([]);
    }
    const results: ItemResult[] = [];
    for (const item of parsed.items) results.push(await runItem(options, item));

    if (parsed.source === 'sqs') {
      return {
        batchItemFailures: results
          .filter((r) => r.failure?.retryable)
          .map((r) => ({ itemIdentifier: r.item.id })),
      };
    }
    if (parsed.source === 'batch') return batchResponse(parsed, results);
    const transient = results.find((r) => r.failure?.retryable);
    if (transient) throw transient.failure;
    return summarise(results);
  };
}
