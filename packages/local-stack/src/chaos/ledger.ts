import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InvocationRecord } from '../delivery';

/**
 * What the local stack and the functions wrote down during the run: one line per invocation
 * (`logs/invocations.jsonl`), one per dead letter (`dlq/<pipeline>.jsonl`), in the formats the
 * package README documents, and the functions' own per-object lines (`logs/<pipeline>.log`).
 */
export interface DeadLetter {
  pipeline: string;
  /** Decoded key of the object the event was about. */
  key: string;
  eTag?: string;
  reason: string;
  /** Deliveries made before it was dead-lettered. */
  attempts?: number;
}

function jsonLines(file: string): unknown[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
}

export function readInvocations(file: string): InvocationRecord[] {
  return jsonLines(file) as InvocationRecord[];
}

/** S3 notification keys are form-encoded: `+` is a space, then UTF-8 percent escapes. */
function decodeNotificationKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

interface DlqLine {
  reason?: string;
  payload?: {
    // A direct event
    Records?: { s3?: { object?: { key?: string; eTag?: string } } }[];
    // A queued message (the body is an EventBridge event)
    key?: string;
    body?: string;
    receiveCount?: number;
  };
}

export function readDeadLetters(dataDir: string, pipelines: string[]): DeadLetter[] {
  const letters: DeadLetter[] = [];
  for (const pipeline of pipelines) {
    for (const line of jsonLines(join(dataDir, 'dlq', `${pipeline}.jsonl`)) as DlqLine[]) {
      const payload = line.payload ?? {};
      const reason = line.reason ?? '(no reason given)';
      if (typeof payload.key === 'string') {
        let eTag: string | undefined;
        try {
          const body = JSON.parse(payload.body ?? '{}') as {
            detail?: { object?: { etag?: string } };
          };
          eTag = body.detail?.object?.etag;
        } catch {
          eTag = undefined;
        }
        letters.push({ pipeline, key: payload.key, eTag, reason, attempts: payload.receiveCount });
        continue;
      }
      const object = payload.Records?.[0]?.s3?.object;
      letters.push({
        pipeline,
        key: decodeNotificationKey(object?.key ?? ''),
        eTag: object?.eTag,
        reason,
      });
    }
  }
  return letters;
}

/**
 * Each object a function reported `processed`, by `<pipeline>\u0000<key>`: the request id of
 * the invocation, once per report, from the one line createPipelineHandler logs per object.
 * These, not the invocation log, are counted for duplicates: the invocation log gives every
 * message of a queue batch the outcome of the first line with its key, so two messages for one
 * key in one batch both read `processed` even when the second was skipped `already-done`.
 */
export function readProcessed(dataDir: string, pipelines: string[]): Map<string, string[]> {
  const processed = new Map<string, string[]>();
  for (const pipeline of pipelines) {
    const file = join(dataDir, 'logs', `${pipeline}.log`);
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('"processed"')) continue;
      try {
        const entry = JSON.parse(line) as {
          key?: unknown;
          outcome?: unknown;
          function_request_id?: unknown;
        };
        if (entry.outcome !== 'processed' || typeof entry.key !== 'string') continue;
        const id = `${pipeline}\u0000${entry.key}`;
        processed.set(id, [...(processed.get(id) ?? []), String(entry.function_request_id)]);
      } catch {
        // Not every line is JSON (a crash prints a stack).
      }
    }
  }
  return processed;
}
