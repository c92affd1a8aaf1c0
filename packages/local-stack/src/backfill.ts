import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { writeCompletionReport, type TaskRow, type WrittenReport } from './completionReport';
import { UsageError } from './errors';
import { encodeS3Key } from './events';
import { FunctionPool } from './functionPool';
import type { ProgressState } from './progress';
import type { Route } from './routing';
import type { TargetStack } from './targetStack';
import type { Tfvars } from './tfvars';
import type { InvokeResult } from './workers';

/** Under `<dataDir>`: completion reports, `reports/<pipeline>/job-<id>/`. */
export const REPORTS_DIR = 'reports';
/** Attempts per task before a temporary failure is final, as Batch retries them. */
export const TASK_ATTEMPTS = 3;
const RETRY_DELAY_MS = 200;

export interface BackfillOptions {
  route: Route;
  vars: Tfvars;
  target: TargetStack;
  dataDir: string;
  distDir: string;
  logLevel?: string;
  /** Invocations at once (execution environments). Default 4. */
  concurrency?: number;
  /** Narrows the listing; must lie inside the pipeline's trigger prefix. */
  prefix?: string;
  onProgress?: (state: ProgressState) => void;
  onLog?: (line: string) => void;
}

export interface BackfillResult {
  jobId: string;
  rows: TaskRow[];
  report: WrittenReport;
}

interface Listed {
  key: string;
  size: number;
}

function client(endpoint: string, region: string): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/**
 * The listing prefix: the trigger's, or a narrower one inside it. A prefix outside the trigger
 * would only list objects every task reports as `outside-trigger`, so it is refused up front.
 */
export function listingPrefix(route: Route, prefix: string | undefined): string {
  if (prefix === undefined) return route.prefix;
  if (!prefix.startsWith(route.prefix)) {
    throw new UsageError(
      `--prefix '${prefix}' is outside pipeline "${route.pipeline}"'s trigger: it must start with '${route.prefix}'`,
    );
  }
  return prefix;
}

/** Every key in the source bucket under `prefix` that ends with the trigger suffix. */
async function listSources(s3: S3Client, bucket: string, prefix: string, suffix: string) {
  const found: Listed[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      if (o.Key !== undefined && o.Key.endsWith(suffix))
        found.push({ key: o.Key, size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** S3 Batch Operations' invocation event, schema 2.0, for one task (Batch sends one per call). */
export function batchTask(jobId: string, bucket: string, key: string) {
  return {
    invocationSchemaVersion: '2.0',
    invocationId: randomUUID(),
    job: { id: jobId, userArguments: {} },
    tasks: [{ taskId: randomUUID(), s3Bucket: bucket, s3Key: encodeS3Key(key), s3VersionId: null }],
  };
}

interface BatchAnswer {
  results?: { resultCode?: string; resultString?: string }[];
}

/** What one invocation says about its task: final, or worth another attempt. */
function taskOutcome(result: InvokeResult): { retry: boolean; code: string; message: string } {
  if (!result.ok) {
    // Batch reports a function error with its payload, as in AWS's report examples.
    const payload = JSON.stringify({
      errorMessage: result.error.message,
      errorType: result.error.name,
    });
    return {
      retry: true,
      code: 'PermanentFailure',
      message: `Lambda returned function error: ${payload}`,
    };
  }
  const answer = (result.result as BatchAnswer | null)?.results?.[0];
  const code = answer?.resultCode ?? 'PermanentFailure';
  return {
    retry: code === 'TemporaryFailure',
    code,
    message: answer?.resultString ?? 'no result for the task',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A local S3 Batch Operations job: lists what the source bucket already holds under the
 * pipeline's trigger (as S3's manifest generator would), invokes the built zip with one schema
 * 2.0 task per object on `concurrency` environments, retries temporary failures, and writes the
 * completion report. Objects already processed answer `Succeeded` with `skipped: already-done`,
 * so a second run changes nothing.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const { route, vars, target } = options;
  const bucket = target.buckets[route.sourceBucket];
  if (!bucket) {
    throw new UsageError(
      `the stack at ${target.endpoint} has no bucket "${route.sourceBucket}": it was started with another --var-file`,
    );
  }
  const prefix = listingPrefix(route, options.prefix);
  const jobId = randomUUID();
  const s3 = client(target.endpoint, vars.region);
  let objects: Listed[];
  try {
    objects = await listSources(s3, bucket, prefix, route.suffix);
  } finally {
    s3.destroy();
  }

  const pool = await FunctionPool.start({
    route,
    vars,
    endpoint: target.endpoint,
    dataDir: options.dataDir,
    distDir: options.distDir,
    logLevel: options.logLevel ?? 'INFO',
    size: options.concurrency ?? 4,
    purpose: 'backfill',
    onLog: options.onLog,
  });
  const started = Date.now();
  const state: ProgressState = {
    done: 0,
    total: objects.length,
    failed: 0,
    bytes: 0,
    totalBytes: objects.reduce((n, o) => n + o.size, 0),
    elapsedMs: 0,
  };
  options.onProgress?.({ ...state });
  const rows = new Array<TaskRow>(objects.length);
  let next = 0;
  const work = async () => {
    while (next < objects.length) {
      const index = next++;
      const object = objects[index]!;
      let outcome = taskOutcome(await pool.invoke(batchTask(jobId, bucket, object.key)));
      for (let attempt = 2; outcome.retry && attempt <= TASK_ATTEMPTS; attempt += 1) {
        await sleep(RETRY_DELAY_MS * attempt);
        outcome = taskOutcome(await pool.invoke(batchTask(jobId, bucket, object.key)));
      }
      const succeeded = outcome.code === 'Succeeded';
      rows[index] = {
        bucket,
        key: object.key,
        status: succeeded ? 'succeeded' : 'failed',
        httpStatus: 200,
        errorCode: succeeded ? '' : outcome.code,
        message: outcome.message,
      };
      state.done += 1;
      state.failed += succeeded ? 0 : 1;
      state.bytes += object.size;
      state.elapsedMs = Date.now() - started;
      options.onProgress?.({ ...state });
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, work));
  } finally {
    await pool.stop();
  }
  const report = writeCompletionReport(
    join(options.dataDir, REPORTS_DIR, route.pipeline),
    jobId,
    rows,
  );
  return { jobId, rows, report };
}

/**
 * Uploads `count` small objects under the trigger straight to the emulator, where no event is
 * raised: objects that were there before the pipeline existed, for a backfill to find.
 */
export async function seedObjects(
  target: TargetStack,
  route: Route,
  region: string,
  count: number,
): Promise<string[]> {
  const s3 = client(target.emulatorEndpoint, region);
  const bucket = target.buckets[route.sourceBucket]!;
  const keys = Array.from(
    { length: count },
    (_, i) => `${route.prefix}seed/${String(i).padStart(6, '0')}${route.suffix || '.txt'}`,
  );
  try {
    let next = 0;
    const put = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `seed ${key}\n` }));
      }
    };
    await Promise.all(Array.from({ length: 16 }, put));
  } finally {
    s3.destroy();
  }
  return keys;
}
