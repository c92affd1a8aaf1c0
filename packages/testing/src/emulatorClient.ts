import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@s3-pipelines/s3-stream';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';

/**
 * A client for the emulator, configured the way the test needs it, over the functions' own
 * client configuration (unsigned upload payloads included).
 */
export function testClient(endpoint: string): S3Client {
  return createS3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = `${prefix}-${randomBytes(4).toString('hex')}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Uploads with lib-storage (multipart above 5 MiB parts) and returns the bare ETag. */
export async function upload(
  s3: S3Client,
  bucket: string,
  key: string,
  body: Buffer | string,
  extra: { ContentType?: string; Metadata?: Record<string, string> } = {},
): Promise<string> {
  const result = await new Upload({
    client: s3,
    partSize: 5 * 1024 * 1024,
    params: { Bucket: bucket, Key: key, Body: body, ...extra },
  }).done();
  return (result.ETag ?? '').replace(/"/g, '');
}
