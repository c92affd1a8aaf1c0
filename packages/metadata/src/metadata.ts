import {
  attributesIfAllowed,
  headIfExists,
  headPinned,
  madeFrom,
  sourceMetadata,
  uploadStream,
  writtenBy,
  type ObjectRef,
  type ProcessResult,
  type S3Client,
} from '@s3-pipelines/s3-stream';
import { RECORD_SUFFIX, type MetadataConfig } from './config';
import { buildRecord } from './record';

export const PROCESSOR = 'metadata';

/** Where the record for `ref` goes: beside it, or under the configured bucket and prefix. */
export function recordLocation(
  ref: ObjectRef,
  config: MetadataConfig,
): { bucket: string; key: string } {
  return {
    bucket: config.OUTPUT_BUCKET || ref.bucket,
    key: `${config.OUTPUT_PREFIX}${ref.key}${RECORD_SUFFIX}`,
  };
}

/** Describes one object from HEAD (and GetObjectAttributes) alone, and writes the record. */
export async function describeObject(
  s3: S3Client,
  ref: ObjectRef,
  config: MetadataConfig,
): Promise<ProcessResult> {
  const target = recordLocation(ref, config);
  const existing = await headIfExists(s3, target.bucket, target.key);
  if (madeFrom(existing?.Metadata, ref)) return { outcome: 'skipped', reason: 'already-done' };

  const headResult = await headPinned(s3, ref);
  if (writtenBy(headResult.Metadata, PROCESSOR))
    return { outcome: 'skipped', reason: 'own-output' };
  const record = buildRecord(
    ref,
    headResult,
    await attributesIfAllowed(s3, ref, ['Checksum', 'ObjectParts', 'StorageClass']),
  );

  await uploadStream(s3, {
    bucket: target.bucket,
    key: target.key,
    body: `${JSON.stringify(record, null, 2)}\n`,
    contentType: 'application/json',
    metadata: sourceMetadata(
      {
        ...ref,
        size: record.size,
        eTag: record.eTag,
        versionId: record.versionId ?? undefined,
        metadata: {},
      },
      PROCESSOR,
    ),
  });
  return {
    outcome: 'processed',
    bytes: 0,
    output: { record: `s3://${target.bucket}/${target.key}`, ...record },
  };
}
