import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqsEvent, type QueuedMessage } from './events';
import { FunctionPool } from './functionPool';
import type { Route } from './routing';
import type { TargetStack } from './targetStack';
import { functionName, type Tfvars } from './tfvars';
import type { InvokeResult } from './workers';

export interface ReplayOptions {
  route: Route;
  vars: Tfvars;
  target: TargetStack;
  dataDir: string;
  distDir: string;
  logLevel?: string;
  /** Invocations at once. Default 1: dead letters are few, and order is kept. */
  concurrency?: number;
  onResult?: (line: ReplayedLine) => void;
  onLog?: (line: string) => void;
}

export interface ReplayedLine {
  /** The key the dead letter is about, for the console. */
  key: string;
  ok: boolean;
  /** Why it failed again. */
  reason?: string;
}

export interface ReplayResult {
  replayed: ReplayedLine[];
  /** Lines left in the DLQ file. */
  remaining: number;
}

/** One line of `<dataDir>/dlq/<pipeline>.jsonl`, as delivery.ts writes it. */
interface DeadLetter {
  time: string;
  reason: string;
  /** A direct event (`{ Records }`), or a queued message (`{ messageId, body, ... }`). */
  payload: unknown;
}

export function dlqFile(dataDir: string, pipeline: string): string {
  return join(dataDir, 'dlq', `${pipeline}.jsonl`);
}

function isQueued(payload: unknown): payload is QueuedMessage {
  return (
    typeof (payload as QueuedMessage)?.messageId === 'string' &&
    typeof (payload as QueuedMessage).body === 'string'
  );
}

/** The key a dead letter is about, for the console: the decoded key of its first object. */
function keyOf(payload: unknown): string {
  if (isQueued(payload)) return payload.key;
  const raw = (payload as { Records?: { s3?: { object?: { key?: string } } }[] })?.Records?.[0]?.s3
    ?.object?.key;
  return raw ? decodeURIComponent(raw.replace(/\+/g, ' ')) : '(unknown)';
}

/**
 * What the redelivery's answer says: a direct event succeeded when the invocation did (as an
 * async invoke counts it); a queued message when it is not in `batchItemFailures`.
 */
function succeeded(result: InvokeResult, queued: boolean): { ok: boolean; reason?: string } {
  if (!result.ok) return { ok: false, reason: `${result.error.name}: ${result.error.message}` };
  if (!queued) return { ok: true };
  const failures =
    (result.result as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [];
  return failures.length ? { ok: false, reason: 'listed in batchItemFailures' } : { ok: true };
}

/**
 * Redelivers every dead letter of a pipeline to its built zip, the way its delivery would (the
 * direct event as it was; a queued message as a fresh one-message SQS batch), then removes from
 * the file the lines that succeeded. Lines the stack appends meanwhile are kept: the file is read
 * again just before it is rewritten, and only the replayed lines that succeeded are taken out.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayResult> {
  const { route, vars } = options;
  const file = dlqFile(options.dataDir, route.pipeline);
  if (!existsSync(file)) return { replayed: [], remaining: 0 };
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  if (lines.length === 0) return { replayed: [], remaining: 0 };

  const pool = await FunctionPool.start({
    route,
    vars,
    endpoint: options.target.endpoint,
    dataDir: options.dataDir,
    distDir: options.distDir,
    logLevel: options.logLevel ?? 'INFO',
    size: options.concurrency ?? 1,
    purpose: 'replay',
    onLog: options.onLog,
  });
  const replayed: ReplayedLine[] = [];
  const done: string[] = [];
  try {
    for (const line of lines) {
      const letter = JSON.parse(line) as DeadLetter;
      const queued = isQueued(letter.payload);
      const event = queued
        ? sqsEvent(
            [{ ...(letter.payload as QueuedMessage), receiveCount: 1, firstReceivedAt: undefined }],
            vars.region,
            functionName(vars, route.pipeline),
          )
        : letter.payload;
      const outcome = succeeded(await pool.invoke(event), queued);
      const result = { key: keyOf(letter.payload), ...outcome };
      replayed.push(result);
      options.onResult?.(result);
      if (outcome.ok) done.push(line);
    }
  } finally {
    await pool.stop();
  }

  const now = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const kept = now.filter((l) => {
    const at = done.indexOf(l);
    if (at >= 0) done.splice(at, 1);
    return at < 0;
  });
  const temporary = `${file}.replay-${process.pid}`;
  writeFileSync(temporary, kept.map((l) => `${l}\n`).join(''));
  renameSync(temporary, file);
  return { replayed, remaining: kept.length };
}
