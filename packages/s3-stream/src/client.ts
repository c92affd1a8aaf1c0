import { S3Client } from '@aws-sdk/client-s3';

let cached: S3Client | undefined;

/**
 * One S3 client per container, created on first use so that module load stays cheap. Region,
 * credentials and endpoint come from the standard SDK configuration (AWS_REGION,
 * AWS_ENDPOINT_URL_S3, ...), which is how the local stack points functions at its emulator.
 */
export function getS3Client(): S3Client {
  cached ??= new S3Client({ maxAttempts: 4, followRegionRedirects: true });
  return cached;
}
