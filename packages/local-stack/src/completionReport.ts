import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { encodeS3Key } from './events';

/** Batch's report format name and column order (its manifest.json `ReportSchema`). */
export const REPORT_FORMAT = 'Report_CSV_20180820';
export const REPORT_SCHEMA =
  'Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage';

/** One task's line of a completion report. */
export interface TaskRow {
  bucket: string;
  /** As stored (decoded); written URL-encoded, as Batch writes keys. */
  key: string;
  versionId?: string;
  status: 'succeeded' | 'failed';
  /** Lambda's HTTP status for the invocation: 200 whenever the function was invoked. */
  httpStatus: number;
  /** The task's result code for a failure (`TemporaryFailure`, `PermanentFailure`), else empty. */
  errorCode: string;
  /** The function's `resultString` (or the function error), as Batch passes it through. */
  message: string;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A row as AWS's documented report examples show them (batch-ops-examples-reports): no header,
 * `bucket,key,version,succeeded,200,,message` and `...,failed,200,PermanentFailure,message`. Note
 * that those examples hold the HTTP status in the fifth column and the result code in the sixth,
 * although ReportSchema names them ErrorCode, HTTPStatusCode; we follow the examples, which are
 * what a report reader written against real reports expects.
 */
export function csvRow(row: TaskRow): string {
  return [
    row.bucket,
    encodeS3Key(row.key),
    row.versionId ?? '',
    row.status,
    String(row.httpStatus),
    row.errorCode,
    row.message,
  ]
    .map(csvField)
    .join(',');
}

export interface WrittenReport {
  /** `<dir>/job-<id>/manifest.json`, listing the result files like Batch's. */
  manifest: string;
  /** The result CSVs: one of succeeded tasks, one of failed tasks (each only when non-empty). */
  files: string[];
}

/**
 * Writes a completion report in S3 Batch Operations' layout under `dir`:
 * `job-<id>/manifest.json` and `job-<id>/results/<sha1>.csv`, succeeded and failed tasks in
 * files of their own, as Batch splits them.
 */
export function writeCompletionReport(
  dir: string,
  jobId: string,
  rows: TaskRow[],
  now = new Date(),
): WrittenReport {
  const jobDir = join(dir, `job-${jobId}`);
  mkdirSync(join(jobDir, 'results'), { recursive: true });
  const results: Record<string, string>[] = [];
  const files: string[] = [];
  for (const status of ['succeeded', 'failed'] as const) {
    const mine = rows.filter((r) => r.status === status);
    if (mine.length === 0) continue;
    const text = mine.map((r) => `${csvRow(r)}\n`).join('');
    const name = `${createHash('sha1').update(text).digest('hex')}.csv`;
    const path = join(jobDir, 'results', name);
    writeFileSync(path, text);
    files.push(path);
    results.push({
      TaskExecutionStatus: status,
      Bucket: 'local',
      MD5Checksum: createHash('md5').update(text).digest('hex'),
      Key: relative(dir, path),
    });
  }
  const manifest = join(jobDir, 'manifest.json');
  writeFileSync(
    manifest,
    `${JSON.stringify(
      {
        Format: REPORT_FORMAT,
        ReportCreationDate: now.toISOString(),
        Results: results,
        ReportSchema: REPORT_SCHEMA,
      },
      null,
      2,
    )}\n`,
  );
  return { manifest, files };
}
