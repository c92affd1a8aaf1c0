import {
  madeFrom,
  writtenBy,
  type HeadObjectCommandOutput,
  type ObjectRef,
} from '@s3-pipelines/s3-stream';
import { ARCHIVE_METADATA, PROCESSOR } from './constants';

/**
 * Why a HEAD of the archive does not show what was written, or undefined when it does: the
 * object exists, has the size that was uploaded, and every metadata value written (source
 * version/ETag, original size, the compression decision, ...) reads back unchanged. The source is deleted only when
 * this is undefined.
 */
export function archiveMismatch(
  head: HeadObjectCommandOutput | undefined,
  expected: Record<string, string>,
  bytesOut: number,
): string | undefined {
  if (!head) return 'archive not found';
  if (head.ContentLength !== bytesOut)
    return `archive is ${String(head.ContentLength)} bytes, not ${bytesOut}`;
  for (const [name, value] of Object.entries(expected)) {
    const actual = head.Metadata?.[name];
    if (actual !== value) return `archive metadata ${name} is ${String(actual)}, not ${value}`;
  }
  return undefined;
}

/**
 * True when an existing archive is a finished one made from the version `ref` names: written by
 * this function, from that version and, where the event gave one, of the same original size.
 * The archive is written once (a single PUT or one multipart upload, which S3 completes
 * atomically with the metadata it was started with), so one that exists is whole.
 */
export function isCompleteArchiveOf(
  head: HeadObjectCommandOutput | undefined,
  ref: ObjectRef,
): head is HeadObjectCommandOutput {
  const metadata = head?.Metadata;
  if (!writtenBy(metadata, PROCESSOR) || !madeFrom(metadata, ref)) return false;
  return ref.size === undefined || metadata?.[ARCHIVE_METADATA.originalSize] === String(ref.size);
}
