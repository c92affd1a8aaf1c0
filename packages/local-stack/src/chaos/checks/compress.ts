import { join } from 'node:path';
import { SOURCE_METADATA } from '@s3-pipelines/s3-stream';
import type { Route } from '../../routing';
import { archiveOf } from '../outputKeys';
import { decompressedEquals, runTool } from '../tools';
import type { WrittenVersion } from '../types';
import { download, headOf, scratch, type CheckContext, type Verdict } from './context';

async function md5Of(file: string): Promise<string> {
  return (await runTool('md5sum', [file])).stdout.split(' ')[0] ?? '';
}

/**
 * compress's archive: `unzip -t` (or `gzip -t`), then its content against the bytes that were
 * sent (`unzip -p | cmp`), and for a zip the `original-md5=` its comment records (`unzip -z`)
 * against `md5sum` of them. compress writes an archive once, whole (docs/compress.md): one that
 * exists is finished, so there is no unfinished state to tell apart.
 */
export async function checkArchive(
  context: CheckContext,
  route: Route,
  key: string,
  versions: WrittenVersion[],
  expected: WrittenVersion | undefined,
): Promise<Verdict> {
  const place = archiveOf(route, context.vars, key);
  const head = await headOf(context, place.bucket, place.key);
  if (!head) return { state: 'absent' };
  const metadata = head.Metadata ?? {};
  const madeFrom = metadata[SOURCE_METADATA.eTag];
  if (expected && madeFrom !== expected.eTag)
    return { state: 'stale', detail: `made from ETag ${madeFrom}, current is ${expected.eTag}` };
  const version = versions.find((v) => v.eTag === madeFrom);
  if (!version) return { state: 'bad', detail: `names ETag ${madeFrom}, never uploaded` };

  const gzip = place.key.endsWith('.gz');
  const file = join(scratch(context), gzip ? 'archive.gz' : 'archive.zip');
  await download(context, place.bucket, place.key, file);
  const test = gzip ? await runTool('gzip', ['-t', file]) : await runTool('unzip', ['-tq', file]);
  if (test.status !== 0)
    return {
      state: 'bad',
      detail: `${gzip ? 'gzip' : 'unzip'} -t: ${(test.stdout + test.stderr).trim()}`,
    };
  const same = gzip
    ? await decompressedEquals('gzip', ['-dc', file], version.file)
    : await decompressedEquals('unzip', ['-p', file], version.file);
  if (same.status !== 0)
    return {
      state: 'bad',
      detail: `content differs from what was sent: ${(same.stdout + same.stderr).trim()}`,
    };
  if (gzip) return { state: 'ok' };
  const md5 = await md5Of(version.file);
  const comment = (await runTool('unzip', ['-z', '-qq', file])).stdout.trim();
  if (comment !== `original-md5=${md5}`)
    return { state: 'bad', detail: `archive comment "${comment}", md5sum says ${md5}` };
  return { state: 'ok' };
}

/**
 * An upload compress must leave alone (already compressed): still there, byte for byte, and
 * still a valid gzip stream by `gzip -t`.
 */
export async function checkUntouched(
  context: CheckContext,
  route: Route,
  key: string,
  version: WrittenVersion,
): Promise<Verdict> {
  const file = join(scratch(context), 'original.gz');
  if (!(await download(context, route.sourceBucket, key, file))) return { state: 'absent' };
  const same = await runTool('cmp', [file, version.file]);
  if (same.status !== 0) return { state: 'bad', detail: `changed: ${same.stdout.trim()}` };
  const test = await runTool('gzip', ['-t', file]);
  if (test.status !== 0) return { state: 'bad', detail: `gzip -t: ${test.stderr.trim()}` };
  const archive = archiveOf(route, context.vars, key);
  if (await headOf(context, archive.bucket, archive.key))
    return { state: 'bad', detail: `compressed again into ${archive.key}` };
  return { state: 'ok' };
}

/** Whether the original is still in its bucket (and which version). */
export async function originalETag(
  context: CheckContext,
  route: Route,
  key: string,
): Promise<string | undefined> {
  const head = await headOf(context, route.sourceBucket, key);
  return head ? (head.ETag ?? '').replace(/"/g, '') : undefined;
}
