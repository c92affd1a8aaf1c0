import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { COPY_OBJECT_LIMIT, COPY_PART_SIZE } from '../constants';
import { toPipelineError } from '../errors';
import { bareETag, quotedETag } from '../object/etag';

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
  const ifMatch = quotedETag(object.eTag);
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
