import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { SOURCE_METADATA } from '@s3-pipelines/s3-stream';
import type { Route } from '../../routing';
import { sidecarOf } from '../outputKeys';
import { runTool } from '../tools';
import type { WrittenVersion } from '../types';
import { download, headOf, scratch, type CheckContext, type Verdict } from './context';

/**
 * checksum's `KEY.md5`: the object and its sidecar downloaded side by side, as a user would, and
 * judged by `md5sum -c`; `cmp` proves S3 still holds the bytes that were sent. For an object
 * deleted after it was processed, our copy of the version the sidecar names stands in for it.
 */
export async function checkSidecar(
  context: CheckContext,
  route: Route,
  key: string,
  versions: WrittenVersion[],
  expected: WrittenVersion | undefined,
): Promise<Verdict> {
  const place = sidecarOf(route, key);
  const head = await headOf(context, place.bucket, place.key);
  if (!head) return { state: 'absent' };
  const madeFrom = head.Metadata?.[SOURCE_METADATA.eTag];
  if (expected && madeFrom !== expected.eTag)
    return { state: 'stale', detail: `made from ETag ${madeFrom}, current is ${expected.eTag}` };
  const version = versions.find((v) => v.eTag === madeFrom);
  if (!version) return { state: 'bad', detail: `names ETag ${madeFrom}, never uploaded` };

  const dir = scratch(context);
  const name = key.slice(key.lastIndexOf('/') + 1);
  await download(context, place.bucket, place.key, join(dir, `${name}.md5`));
  if (expected) {
    if (!(await download(context, route.sourceBucket, key, join(dir, name))))
      return { state: 'bad', detail: 'the source is gone, though nothing deleted it' };
    const same = await runTool('cmp', [join(dir, name), version.file]);
    if (same.status !== 0)
      return { state: 'bad', detail: `S3 holds other bytes than were sent: ${same.stdout}` };
  } else copyFileSync(version.file, join(dir, name));
  const check = await runTool('md5sum', ['-c', `${name}.md5`], dir);
  if (check.status !== 0 || check.stdout.trim() !== `${name}: OK`)
    return { state: 'bad', detail: `md5sum -c: ${(check.stdout + check.stderr).trim()}` };
  return { state: 'ok' };
}
