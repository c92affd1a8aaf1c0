import {
  attributesIfAllowed,
  sourceMetadata,
  uploadStream,
  type ObjectRef,
  type ProcessContext,
  type ProcessResult,
} from '@s3-pipelines/s3-stream';
import { RECORD_SUFFIX, type MetadataConfig } from './config';
import { buildRecord } from './record';

export const PROCESSOR = 'metadata';

/** Where the record for `ref` goes: beside it, or under the configured bucket and prefix. */
export function recordLocation(
  ref: ObjectRef,
  config: Pick<MetadataConfig, 'OUTPUT_BUCKET' | 'OUTPUT_PREFIX'>,
): { bucket: string; key: string } {
  return {
    bucket: config.OUTPUT_BUCKET || ref.bucket,
    key: `${config.OUTPUT_PREFIX}${ref.key}${RECORD_SUFFIX}`,
  };
}

/**
 * Describes one object from HEAD (and GetObjectAttributes) alone, and writes the record. The
 * handler has applied every skip rule before this runs.
 */
export async function describeObject(
  ref: ObjectRef,
  config: MetadataConfig,
  { s3, head }: ProcessContext,
): Promise<ProcessResult> {
  const target = recordLocation(ref, config);
  const headResult = await head(ref);
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
