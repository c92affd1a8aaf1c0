import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  directEvent,
  queuedMessage,
  sqsEvent,
  type CreatedObject,
  type QueuedMessage,
} from './events';
import type { Route } from './routing';
import type { FunctionWorker, InvokeResult } from './workers';

/** SQS redrive policy maxReceiveCount Terraform sets on every pipeline queue. */
export const MAX_RECEIVES = 5;
/** Lambda waits about a minute, then two, between async retries; locally a blink will do. */
const RETRY_BACKOFF_MS = [200, 400];
/** Stands in for the queue's visibility timeout before a failed message is received again. */
const REDELIVERY_DELAY_MS = 200;

export type Outcome = 'processed' | 'skipped' | 'failed';

export interface Invocation {
  time: Date;
  pipeline: string;
  key: string;
  outcome: Outcome;
  reason?: string;
  durationMs: number;
  /** 1 for the first delivery, then 2, 3... */
  attempt: number;
  /** True when this was the last attempt and the event went to the dead-letter file. */
  deadLettered?: boolean;
}

/**
 * One line of `<data-dir>/logs/invocations.jsonl`: one per object an invocation was given (a
 * queue batch gives one per message; each retry and redelivery is a line of its own). Every
 * field is always present, so a tool can count and group lines without guessing; the package
 * README documents the format.
 */
export interface InvocationRecord {
  /** ISO 8601, UTC, when the invocation finished. */
  time: string;
  pipeline: string;
  /** The object's key as stored (decoded). */
  key: string;
  /** The version the event announced; always null locally (fauxqs has no versioning). */
  versionId: string | null;
  outcome: Outcome;
  /** The skip reason, or what failed (`<name>: <message>`); null when there is none. */
  reason: string | null;
  attempt: number;
  durationMs: number;
  deadLettered: boolean;
}

export function invocationRecord(invocation: Invocation): InvocationRecord {
  return {
    time: invocation.time.toISOString(),
    pipeline: invocation.pipeline,
    key: invocation.key,
    versionId: null,
    outcome: invocation.outcome,
    reason: invocation.reason ?? null,
    attempt: invocation.attempt,
    durationMs: invocation.durationMs,
    deadLettered: invocation.deadLettered ?? false,
  };
}

export interface DeliveryOptions {
  route: Route;
  worker: FunctionWorker;
  region: string;
  /** `<project>-<pipeline>`, which also names the queue. */
  functionName: string;
  maxRetries: number;
  batchSize: number;
  dlqDir: string;
  onInvocation: (invocation: Invocation) => void;
}

interface ObjectOutcome {
  key: string;
  outcome: Outcome;
  reason?: string;
}

/** What createPipelineHandler logs for a record it hands back unstarted (its runItems). */
export const DEFERRED_LOG_MESSAGE = 'record deferred: too little time left';

/**
 * The message ids the handler deferred: handed back in batchItemFailures without a failure,
 * because the invocation ran short of time. Their log line names the item, not a key.
 */
export function deferredFromLogs(lines: string[]): Set<string> {
  const ids = new Set<string>();
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.message === DEFERRED_LOG_MESSAGE && typeof entry.item === 'string') {
        ids.add(entry.item);
      }
    } catch {
      // Not JSON: see outcomesFromLogs.
    }
  }
  return ids;
}

/** Per-object outcomes from the one JSON line createPipelineHandler logs for each object. */
export function outcomesFromLogs(lines: string[]): ObjectOutcome[] {
  const found: ObjectOutcome[] = [];
  for (const line of lines) {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const outcome = entry.outcome;
      if (typeof entry.key !== 'string') continue;
      if (outcome !== 'processed' && outcome !== 'skipped' && outcome !== 'failed') continue;
      const reason = (entry.reason ?? entry.error) as string | undefined;
      found.push({ key: entry.key, outcome, reason });
    } catch {
      // Not every line is JSON (a crash prints a stack); those only go to the log file.
    }
  }
  return found;
}

/** What a direct invocation's return value says happened to its object. */
export function directOutcome(result: InvokeResult): { outcome: Outcome; reason?: string } {
  if (!result.ok)
    return { outcome: 'failed', reason: `${result.error.name}: ${result.error.message}` };
  const summary = result.result as {
    objects?: { outcome: Outcome; reason?: string; error?: string }[];
  } | null;
  const first = summary?.objects?.[0];
  if (!first) return { outcome: 'skipped', reason: 'no object in the event' };
  return { outcome: first.outcome, reason: first.reason ?? first.error };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers a pipeline's events the way its delivery mode does in AWS, one invocation at a time:
 * direct = async invoke with retries then an on-failure destination; queue = SQS batches with
 * partial batch failures, redelivery, and a dead-letter queue after MAX_RECEIVES.
 */
export class Delivery {
  private readonly events: CreatedObject[] = [];
  private readonly messages: QueuedMessage[] = [];
  private busy = false;
  private delayed = 0;
  private logLines: string[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: DeliveryOptions) {}

  /** Collects the function's log lines so queue outcomes can be read from them. */
  recordLog(line: string): void {
    this.logLines.push(line);
  }

  /** Drops what is still waiting: the stack is stopping. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.events.length = 0;
    this.messages.length = 0;
  }

  enqueue(object: CreatedObject): void {
    if (this.closed) return;
    if (this.options.route.delivery === 'queue')
      this.messages.push(queuedMessage(object, this.options.region));
    else this.events.push(object);
    void this.drain();
  }

  idle(): boolean {
    return (
      !this.busy && this.delayed === 0 && this.events.length === 0 && this.messages.length === 0
    );
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (!this.closed) {
        const event = this.events.shift();
        if (event) {
          await this.deliverDirect(event);
          continue;
        }
        if (this.messages.length === 0) break;
        await this.deliverBatch(this.messages.splice(0, this.options.batchSize));
      }
    } finally {
      this.busy = false;
    }
  }

  private report(invocation: Omit<Invocation, 'time' | 'pipeline'>): void {
    this.options.onInvocation({
      time: new Date(),
      pipeline: this.options.route.pipeline,
      ...invocation,
    });
  }

  private deadLetter(payload: unknown, reason: string): void {
    mkdirSync(this.options.dlqDir, { recursive: true });
    const line = JSON.stringify({ time: new Date().toISOString(), reason, payload });
    appendFileSync(join(this.options.dlqDir, `${this.options.route.pipeline}.jsonl`), `${line}\n`);
  }

  private async deliverDirect(object: CreatedObject): Promise<void> {
    const { route, worker, region, maxRetries } = this.options;
    const event = directEvent(object, region, route.pipeline);
    for (let attempt = 1; ; attempt += 1) {
      const result = await worker.invoke(event);
      const { outcome, reason } = directOutcome(result);
      const last = result.ok || attempt > maxRetries;
      this.report({
        key: object.key,
        outcome,
        reason,
        durationMs: result.durationMs,
        attempt,
        deadLettered: !result.ok && last,
      });
      if (result.ok) return;
      if (last) {
        this.deadLetter(event, reason ?? 'failed');
        return;
      }
      await sleep(RETRY_BACKOFF_MS[attempt - 1] ?? 400);
      if (this.closed) return;
    }
  }

  private async deliverBatch(batch: QueuedMessage[]): Promise<void> {
    const { worker, region, functionName } = this.options;
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
    }
    this.logLines = [];
    const result = await worker.invoke(sqsEvent(batch, region, functionName));
    const logged = outcomesFromLogs(this.logLines);
    const deferred = deferredFromLogs(this.logLines);
    const failedIds = new Set<string>(
      result.ok
        ? (
            (result.result as { batchItemFailures?: { itemIdentifier: string }[] } | null)
              ?.batchItemFailures ?? []
          ).map((f) => f.itemIdentifier)
        : batch.map((m) => m.messageId),
    );
    const retry: QueuedMessage[] = [];
    for (const message of batch) {
      const failed = failedIds.has(message.messageId);
      const seen = logged.find((o) => o.key === message.key);
      const exhausted = failed && message.receiveCount >= MAX_RECEIVES;
      const reason = !result.ok
        ? `${result.error.name}: ${result.error.message}`
        : deferred.has(message.messageId)
          ? `deferred: too little time left in the invocation (receive ${message.receiveCount})`
          : seen?.reason;
      this.report({
        key: message.key,
        outcome: failed ? 'failed' : (seen?.outcome ?? 'processed'),
        reason: failed ? (reason ?? 'listed in batchItemFailures') : reason,
        durationMs: result.durationMs,
        attempt: message.receiveCount,
        deadLettered: exhausted,
      });
      if (exhausted) this.deadLetter(message, reason ?? 'failed');
      else if (failed) retry.push(message);
    }
    if (retry.length) {
      // Back in the queue after the visibility timeout, like an unacknowledged SQS message.
      this.delayed += 1;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.delayed -= 1;
        this.messages.push(...retry);
        void this.drain();
      }, REDELIVERY_DELAY_MS);
      this.timers.add(timer);
    }
  }
}
