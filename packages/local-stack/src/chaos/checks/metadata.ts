import type { Route } from '../../routing';
import { recordOf } from '../outputKeys';
import { runTool } from '../tools';
import type { WrittenVersion } from '../types';
import { bareETag, headOf, textOf, type CheckContext, type Verdict } from './context';

interface MetadataRecord {
  bucket?: string;
  key?: string;
  size?: number;
  eTag?: string;
  contentType?: string | null;
  lastModified?: string;
  userMetadata?: Record<string, string>;
  md5?: string | null;
}

const sorted = (map: Record<string, string> | undefined) =>
  JSON.stringify(Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/**
 * metadata's record, field by field against S3's own HeadObject of the source (as
 * tests/e2e/pipeline.test.ts compares them), and its `md5`, where it claims one, against what
 * `md5sum` prints for the bytes that were sent. A record for an object deleted after it was
 * processed must describe a version that was uploaded.
 */
export async function checkRecord(
  context: CheckContext,
  route: Route,
  key: string,
  versions: WrittenVersion[],
  options: { ignoreLastModified?: boolean } = {},
): Promise<Verdict> {
  const place = recordOf(route, context.vars, key);
  const text = await textOf(context, place.bucket, place.key);
  if (text === undefined) return { state: 'absent' };
  let record: MetadataRecord;
  try {
    record = JSON.parse(text) as MetadataRecord;
  } catch {
    return { state: 'bad', detail: 'the record is not JSON' };
  }
  const source = await headOf(context, route.sourceBucket, key);
  if (!source) {
    const version = versions.find((v) => v.eTag === record.eTag);
    if (!version) return { state: 'bad', detail: `describes ETag ${record.eTag}, never uploaded` };
    return record.size === version.size
      ? { state: 'ok' }
      : { state: 'bad', detail: `size ${record.size}, uploaded ${version.size}` };
  }
  const eTag = bareETag(source.ETag);
  if (record.eTag !== eTag)
    return { state: 'stale', detail: `describes ETag ${record.eTag}, current is ${eTag}` };
  const expected: MetadataRecord = {
    bucket: context.buckets[route.sourceBucket],
    key,
    size: source.ContentLength,
    eTag,
    contentType: source.ContentType,
    lastModified: source.LastModified?.toISOString(),
  };
  // The same bytes written again a second later: one ETag, so metadata rightly sees its record
  // as done, and the record keeps the first write's Last-Modified (docs/chaos.md).
  if (options.ignoreLastModified) delete expected.lastModified;
  const wrong = Object.entries(expected)
    .filter(([field, value]) => record[field as keyof MetadataRecord] !== value)
    .map(
      ([field, value]) =>
        `${field} ${JSON.stringify(record[field as keyof MetadataRecord])} (HEAD: ${JSON.stringify(value)})`,
    );
  if (sorted(record.userMetadata) !== sorted(source.Metadata))
    wrong.push(
      `userMetadata ${JSON.stringify(record.userMetadata)} (HEAD: ${JSON.stringify(source.Metadata)})`,
    );
  const version = versions.find((v) => v.eTag === eTag);
  if (record.md5 && version) {
    const md5 = await runTool('md5sum', [version.file]);
    if (md5.stdout.split(' ')[0] !== record.md5)
      wrong.push(`md5 ${record.md5} (md5sum: ${md5.stdout.split(' ')[0]})`);
  }
  return wrong.length ? { state: 'bad', detail: wrong.join('; ') } : { state: 'ok' };
}
