import {
  deleteIfCurrent,
  headIfExists,
  InputTooLargeError,
  sourceMetadata,
  SOURCE_METADATA,
  TransientError,
  uploadStream,
  type DeleteOutcome,
  type HeadObjectCommandOutput,
  type ObjectInfo,
  type ObjectRef,
  type ProcessContext,
  type ProcessResult,
  type SkipReason,
} from '@s3-pipelines/s3-stream';
import { archiveStream } from './archive';
import { archiveOptions, levelOf } from './archiveOptions';
import type { CompressConfig } from './config';
import { ARCHIVE_METADATA, FORMATS, PROCESSOR, PROGRESS_EVERY_MS } from './constants';
import { archiveKey, entryName, looksCompressed } from './keys';
import { archiveMismatch } from './verify';

const MiB = 1024 * 1024;

/**
 * What happened to the original, as reported in the output (stable: dashboards filter on it).
 * Only `deleted` removed anything; every other value means the original is where it was.
 */
export type SourceAction =
  'deleted' | 'kept' | 'kept-superseded' | 'kept-unverified' | 'already-gone';

const ACTIONS: Record<DeleteOutcome, SourceAction> = {
  deleted: 'deleted',
  superseded: 'kept-superseded',
  gone: 'already-gone',
};

function skipped(reason: SkipReason): ProcessResult {
  return { outcome: 'skipped', reason };
}

export interface Location {
  bucket: string;
  key: string;
}

/** Where the archive of `ref` goes, or undefined when its key names nothing under the trigger. */
export function archiveLocation(ref: ObjectRef, config: CompressConfig): Location | undefined {
  const key = archiveKey(ref.key, config);
  return key === undefined ? undefined : { bucket: config.OUTPUT_BUCKET || ref.bucket, key };
}

/**
 * The metadata written with the upload (the decision is added before the first archive byte).
 * The original's MD5 is not among them: S3 takes metadata when an upload starts, and the MD5 is
 * known only at the end, so it goes where the archive itself can carry it (zip's comment) and
 * into the report. Rewriting the metadata afterwards would be a second write of the archive.
 */
function archiveMetadata(info: ObjectInfo, config: CompressConfig): Record<string, string> {
  return {
    ...sourceMetadata(info, PROCESSOR),
    [ARCHIVE_METADATA.originalSize]: String(info.size),
    ...(info.contentType ? { [ARCHIVE_METADATA.originalContentType]: info.contentType } : {}),
    [ARCHIVE_METADATA.format]: config.FORMAT,
    [ARCHIVE_METADATA.level]: String(levelOf(config)),
  };
}

/**
 * What is still owed once a previous attempt finished the archive: it may have died before the
 * delete, so the delete is tried again (it still needs the source's current version to be the
 * one archived).
 */
export async function finishAlreadyDone(
  ref: ObjectRef,
  existing: HeadObjectCommandOutput,
  config: CompressConfig,
  { s3 }: ProcessContext,
): Promise<Record<string, unknown>> {
  let sourceAction: SourceAction = 'kept';
  if (config.DELETE_SOURCE) {
    const metadata = existing.Metadata ?? {};
    const outcome = await deleteIfCurrent(s3, {
      bucket: ref.bucket,
      key: ref.key,
      versionId: ref.versionId ?? metadata[SOURCE_METADATA.versionId],
      eTag: ref.eTag ?? metadata[SOURCE_METADATA.eTag] ?? '',
    });
    sourceAction = ACTIONS[outcome];
  }
  const location = archiveLocation(ref, config);
  return { archiveBucket: location?.bucket, archive: location?.key, sourceAction };
}

/**
 * Streams one object into a zip or gzip archive under OUTPUT_PREFIX with no temp file, then,
 * when DELETE_SOURCE is on, deletes the original, but only once a HEAD of the archive shows what
 * was written and only if the version compressed is still the current one.
 *
 * Steps (after the handler's skip rules): pinned read → already compressed by content type? →
 * size limit → MD5 + compress → one upload (multipart aborted on failure; a zip ends with the
 * original's MD5 in its comment) → HEAD verify → pinned delete. The archive is written once, so
 * it raises one ObjectCreated event, and its existence with this metadata is the done marker.
 */
export async function compressObject(
  ref: ObjectRef,
  config: CompressConfig,
  { s3, logger, open, remainingMs }: ProcessContext,
): Promise<ProcessResult> {
  const location = archiveLocation(ref, config);
  if (!location) return skipped('outside-trigger');

  const { info, body } = await open(ref, {
    concurrency: config.READ_CONCURRENCY,
    rangeSize: config.RANGE_SIZE_MB * MiB,
  });
  if (config.SKIP_COMPRESSED && looksCompressed(info.key, info.contentType, config)) {
    body.destroy();
    return skipped('already-compressed');
  }
  // After the skip rules: an oversized object that would be skipped anyway is not a failure.
  if (info.size > config.MAX_INPUT_BYTES) {
    body.destroy();
    throw new InputTooLargeError(info.key, info.size, config.MAX_INPUT_BYTES);
  }

  const { contentType } = FORMATS[config.FORMAT];
  const metadata = archiveMetadata(info, config);
  const started = Date.now();
  // Refuses up front what would not finish in time; records its decision in `metadata`.
  const archive = archiveStream(
    body,
    { name: entryName(info.key), size: info.size, mtime: info.lastModified ?? new Date(0) },
    archiveOptions(config, info, remainingMs(), metadata),
  );
  const progress = setInterval(() => {
    const { bytesIn, bytesOut } = archive.stats();
    logger.info('compress progress', { key: info.key, bytesIn, bytesOut, size: info.size });
  }, PROGRESS_EVERY_MS);
  try {
    await uploadStream(s3, {
      ...location,
      body: archive.output,
      contentType,
      metadata,
      partSize: config.PART_SIZE_MB * MiB,
      queueSize: config.UPLOAD_QUEUE_SIZE,
    });
  } finally {
    clearInterval(progress);
    // After a failed upload nothing reads the archive any more: release the source's socket.
    archive.output.destroy();
  }
  const compressMs = Date.now() - started;
  const { bytesIn, bytesOut, md5 } = archive.stats();
  if (bytesIn !== info.size || !md5) {
    throw new TransientError(`${info.key}: read ${bytesIn} of ${info.size} bytes`);
  }

  const { decision } = archive.stats();
  const output: Record<string, unknown> = {
    archiveBucket: location.bucket,
    archive: location.key,
    format: config.FORMAT,
    level: levelOf(config),
    compression: decision?.compression,
    sampleRatio: decision?.sampleRatio ?? null,
    storeAboveRatio: decision?.storeAboveRatio ?? null,
    workers: decision?.workers,
    bytesIn,
    bytesOut,
    ratio: bytesIn > 0 ? Number((bytesOut / bytesIn).toFixed(4)) : null,
    md5,
    compressMs,
    mbPerSecond: Number((bytesIn / 1e6 / Math.max(compressMs / 1000, 0.001)).toFixed(1)),
  };
  if (!config.DELETE_SOURCE) {
    return { outcome: 'processed', bytes: bytesIn, output: { ...output, sourceAction: 'kept' } };
  }

  const mismatch = archiveMismatch(
    await headIfExists(s3, location.bucket, location.key),
    metadata,
    bytesOut,
  );
  if (mismatch) {
    logger.warn('original kept: archive not verified', { key: info.key, mismatch });
    return {
      outcome: 'processed',
      bytes: bytesIn,
      output: { ...output, sourceAction: 'kept-unverified', mismatch },
    };
  }
  const deleted = await deleteIfCurrent(s3, {
    bucket: info.bucket,
    key: info.key,
    versionId: info.versionId,
    eTag: info.eTag,
  });
  return {
    outcome: 'processed',
    bytes: bytesIn,
    output: { ...output, sourceAction: ACTIONS[deleted] },
  };
}
