import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** The commands whose bodies are our outputs: multipart parts and single PUTs. */
const UPLOAD_COMMANDS = new Set(['PutObjectCommand', 'UploadPartCommand']);
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';
/** A body checksum S3 verifies: the SDK's flexible checksum, or Content-MD5. */
const BODY_CHECKSUM = /^(x-amz-checksum-|content-md5$)/;

/**
 * Signs upload bodies as UNSIGNED-PAYLOAD instead of SigV4's SHA-256 of every byte. That
 * SHA-256 was about a sixth of the upload path's CPU when profiled, spent on the main thread
 * beside the reads. Integrity does not depend
 * on it: the SDK's default request checksum (CRC-32, native zlib) still goes with every part
 * and S3 rejects a body that does not match it, TLS protects the bytes in transit, and the
 * request itself (headers, key, checksum) is still signed. A body without such a checksum
 * (AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED) keeps its SHA-256, and a streaming body the
 * SDK already marks (aws-chunked with a trailing checksum) keeps its own marker.
 */
function markUnsignedPayload(
  commandName: string | undefined,
  headers: Record<string, string>,
): void {
  if (!UPLOAD_COMMANDS.has(commandName ?? '')) return;
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  const checked = names.some((name) => BODY_CHECKSUM.test(name));
  if (checked && !names.includes(PAYLOAD_HASH_HEADER)) {
    headers[PAYLOAD_HASH_HEADER] = 'UNSIGNED-PAYLOAD';
  }
}

/**
 * An S3 client as the functions use it: the SDK's standard configuration (region, credentials,
 * AWS_ENDPOINT_URL_S3, ...) under `config`, with retries, region redirects and unsigned upload
 * payloads. Benchmarks and tests build theirs here too, so they measure what ships.
 */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  const s3 = new S3Client({ maxAttempts: 4, followRegionRedirects: true, ...config });
  // After the checksum middleware (build step, default priority), before signing.
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const { headers } = args.request as { headers: Record<string, string> };
      markUnsignedPayload(context.commandName, headers);
      return next(args);
    },
    {
      step: 'build',
      name: 'unsignedUploadPayload',
      priority: 'low',
    },
  );
  return s3;
}

let cached: S3Client | undefined;

/**
 * One S3 client per container, created on first use so that module load stays cheap. Region,
 * credentials and endpoint come from the standard SDK configuration (AWS_REGION,
 * AWS_ENDPOINT_URL_S3, ...), which is how the local stack points functions at its emulator.
 */
export function getS3Client(): S3Client {
  cached ??= createS3Client();
  return cached;
}
