import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { DEFAULT_PART_SIZE, DEFAULT_QUEUE_SIZE } from '../constants';
import { bareETag } from '../object/etag';
import { toPipelineError } from '../errors';

export interface WriteRequest {
  bucket: string;
  key: string;
  body: Readable | Buffer | string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** Multipart part size. Default 8 MiB; lib-storage buffers queueSize × partSize at most. */
  partSize?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
  /** Called as parts complete, with the bytes uploaded so far. */
  onProgress?: (bytes: number) => void;
}

export interface WriteResult {
  eTag?: string;
  versionId?: string;
}

/**
 * Writes a stream of unknown length: a single PUT when it fits in one part, multipart otherwise.
 * On any failure the multipart upload is aborted, so no partial object ever becomes visible.
 */
export async function uploadStream(s3: S3Client, request: WriteRequest): Promise<WriteResult> {
  const upload = new Upload({
    client: s3,
    partSize: request.partSize ?? DEFAULT_PART_SIZE,
    queueSize: request.queueSize ?? DEFAULT_QUEUE_SIZE,
    leavePartsOnError: false,
    params: {
      Bucket: request.bucket,
      Key: request.key,
      Body: request.body,
      ContentType: request.contentType,
      Metadata: request.metadata,
    },
  });
  if (request.onProgress) {
    const report = request.onProgress;
    upload.on('httpUploadProgress', (progress) => report(progress.loaded ?? 0));
  }
  try {
    const result = await upload.done();
    return { eTag: bareETag(result.ETag), versionId: result.VersionId };
  } catch (error) {
    throw toPipelineError(error, `PUT ${request.key}`);
  }
}
