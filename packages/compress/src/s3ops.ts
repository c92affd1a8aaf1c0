// TODO(layer): move to s3-stream. The layer owns every S3 byte path (HOUSE_STYLE 5) but has no
// server-side metadata rewrite and no conditional delete yet; both live here until it does.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  UploadPartCopyCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { bareETag, headIfExists, toPipelineError, type S3Client } from '@s3-pipelines/s3-stream';
import { COPY_OBJECT_LIMIT, COPY_PART_SIZE } from './constants';

/** HTTP status of an SDK error (the layer has httpStatus but does not export it yet). */
function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
}

export interface StoredObject {
  bucket: string;
  key: string;
  /** Bare ETag of the exact object to rewrite (the copy is refused if it changed). */
  eTag?: string;
  size: number;
}

function copySource(object: StoredObject): string {
  return `${object.bucket}/${encodeURIComponent(object.key)}`;
}

/**
 * Replaces an object's metadata in place with a server-side copy onto itself, pinned with
 * CopySourceIfMatch to the object just written. S3 sets metadata when an upload starts, so a
 * value known only at the end of a stream (the original's MD5) can only be recorded this way.
 * Over 5 GiB, where CopyObject stops, it copies in 1 GiB UploadPartCopy parts (aborted on
 * failure). Returns the rewritten object's bare ETag.
 */
export async function replaceMetadata(
  s3: S3Client,
  object: StoredObject,
  metadata: Record<string, string>,
  contentType: string,
): Promise<string | undefined> {
  const common = { Bucket: object.bucket, Key: object.key };
  const ifMatch = object.eTag ? `"${object.eTag}"` : undefined;
  try {
    if (object.size <= COPY_OBJECT_LIMIT) {
      const copied = await s3.send(
        new CopyObjectCommand({
          ...common,
          CopySource: copySource(object),
          CopySourceIfMatch: ifMatch,
          MetadataDirective: 'REPLACE',
          Metadata: metadata,
          ContentType: contentType,
        }),
      );
      return bareETag(copied.CopyObjectResult?.ETag);
    }
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ ...common, Metadata: metadata, ContentType: contentType }),
    );
    try {
      const parts: CompletedPart[] = [];
      for (let start = 0, n = 1; start < object.size; start += COPY_PART_SIZE, n++) {
        const end = Math.min(start + COPY_PART_SIZE, object.size) - 1;
        const part = await s3.send(
          new UploadPartCopyCommand({
            ...common,
            UploadId,
            PartNumber: n,
            CopySource: copySource(object),
            CopySourceIfMatch: ifMatch,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        );
        parts.push({ PartNumber: n, ETag: part.CopyPartResult?.ETag });
      }
      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          ...common,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return bareETag(done.ETag);
    } catch (error) {
      try {
        await s3.send(new AbortMultipartUploadCommand({ ...common, UploadId }));
      } catch {
        // Best effort: the copy's own error is the one worth reporting.
      }
      throw error;
    }
  } catch (error) {
    throw toPipelineError(error, `COPY ${object.key}`);
  }
}

/** The exact source version a delete may remove. */
export interface DeletePin {
  bucket: string;
  key: string;
  /** Present on versioned buckets. */
  versionId?: string;
  /** Bare ETag of that version. */
  eTag: string;
}

/**
 * - `deleted`: the pinned version is no longer current (a delete marker on versioned buckets).
 * - `superseded`: a newer object is current under the key; it was left alone.
 * - `gone`: nothing is current under the key any more.
 */
export type DeleteOutcome = 'deleted' | 'superseded' | 'gone';

/**
 * Deletes the object under `pin.key` only while the pinned version is the current one.
 *
 * Why not DeleteObject with VersionId: on a versioned bucket that removes the version
 * permanently, and the data could not be recovered. A DeleteObject without VersionId leaves a
 * delete marker (every version stays recoverable), and `If-Match: <ETag>` makes S3 refuse it
 * with 412 when the current object is not the one compressed: both pinned and recoverable. On
 * an unversioned bucket the same If-Match delete is the only pin there is.
 *
 * The HEAD before it checks the current VersionId (an identical re-upload has the same ETag but
 * a new version) and makes the check hold on endpoints that ignore If-Match on DELETE; the
 * If-Match closes the race between that HEAD and the DELETE on S3 itself.
 */
export async function deleteIfCurrent(s3: S3Client, pin: DeletePin): Promise<DeleteOutcome> {
  const current = await headIfExists(s3, pin.bucket, pin.key);
  if (!current) return 'gone';
  if (bareETag(current.ETag) !== pin.eTag) return 'superseded';
  if (pin.versionId !== undefined && current.VersionId !== pin.versionId) return 'superseded';
  try {
    await s3.send(
      new DeleteObjectCommand({ Bucket: pin.bucket, Key: pin.key, IfMatch: `"${pin.eTag}"` }),
    );
    return 'deleted';
  } catch (error) {
    const status = httpStatus(error);
    if (status === 412) return 'superseded';
    if (status === 404) return 'gone';
    throw toPipelineError(error, `DELETE ${pin.key}`);
  }
}
