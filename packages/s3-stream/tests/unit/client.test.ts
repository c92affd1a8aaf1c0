import {
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { createS3Client } from '../../src/client';

/**
 * What the client puts on the wire, captured by a request handler that answers locally (the
 * SDK's whole middleware stack, signing included, runs before it).
 */
function capturing(make: (config: S3ClientConfig) => S3Client) {
  const sent: Record<string, string>[] = [];
  const s3 = make({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        sent.push(request.headers);
        return {
          response: {
            statusCode: 200,
            headers: { etag: '"e"', 'content-length': '0' },
            body: Readable.from([]),
          },
        };
      },
    },
  });
  return { s3, sent };
}

const body = Buffer.from('the archive bytes, any bytes at all\n'.repeat(1000));
const sha256 = createHash('sha256').update(body).digest('hex');
const crc = (data: Buffer) => {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(crc32(data));
  return value.toString('base64');
};
const signedHeaders = (headers: Record<string, string>) =>
  /SignedHeaders=([^,]+)/.exec(headers.authorization ?? '')?.[1]?.split(';') ?? [];

describe('createS3Client', () => {
  it.each([
    ['PutObject', new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body })],
    [
      'UploadPart',
      new UploadPartCommand({ Bucket: 'b', Key: 'k', UploadId: 'u', PartNumber: 1, Body: body }),
    ],
  ])('%s: sends the body unsigned, with its CRC-32 signed in its place', async (_name, command) => {
    const { s3, sent } = capturing(createS3Client);
    await s3.send(command as PutObjectCommand);
    const [headers] = sent;
    expect(headers!['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD');
    // S3 checks this against the bytes it receives, and the signature covers it.
    expect(headers!['x-amz-checksum-crc32']).toBe(crc(body));
    expect(signedHeaders(headers!)).toEqual(
      expect.arrayContaining(['x-amz-checksum-crc32', 'x-amz-content-sha256']),
    );
  });

  it("leaves every other command's payload hash to the signer", async () => {
    const { s3, sent } = capturing(createS3Client);
    await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    // SHA-256 of the empty body: the signer's own value for a request without one.
    expect(sent[0]!['x-amz-content-sha256']).toBe(createHash('sha256').digest('hex'));
  });

  it('keeps the SHA-256 of a body that goes without a checksum (WHEN_REQUIRED)', async () => {
    const { s3, sent } = capturing((config) =>
      createS3Client({ ...config, requestChecksumCalculation: 'WHEN_REQUIRED' }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body }));
    expect(sent[0]!['x-amz-checksum-crc32']).toBeUndefined();
    expect(sent[0]!['x-amz-content-sha256']).toBe(sha256);
  });

  it("differs from the SDK's default, which hashes every byte it uploads", async () => {
    const { s3, sent } = capturing((config) => new S3Client(config));
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: body }));
    expect(sent[0]!['x-amz-content-sha256']).toBe(sha256);
  });
});
