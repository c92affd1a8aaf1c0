import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Downloads an object to a file without holding it in memory. */
export async function download(
  s3: S3Client,
  bucket: string,
  key: string,
  path: string,
): Promise<void> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(got.Body as Readable, createWriteStream(path));
}

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an outside tool (unzip, gzip, cmp): the judge of our archives is never our own code. */
export function tool(command: string, args: string[], cwd?: string): ToolRun {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * `zstd -dc archive | cmp - original`: status 0 when zstd gives back exactly the original's
 * bytes, through the shell so that they never pass through node.
 */
export function zstdMatches(archive: string, original: string): ToolRun {
  return tool('sh', ['-c', 'zstd -q -dc -- "$1" | cmp - "$2"', 'sh', archive, original]);
}

/** `gzip -dc archive > out`, through the shell so that the bytes never pass through node. */
export function gunzipTo(archive: string, out: string): ToolRun {
  return tool('sh', ['-c', 'gzip -dc -- "$1" > "$2"', 'sh', archive, out]);
}
