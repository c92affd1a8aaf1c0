import {
  CopyObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { writeMeter } from '../../../src/handler/writeMeter';

/**
 * The meter runs inside the SDK's own middleware stack (aws-sdk-client-mock would replace
 * `send` and skip it), so these tests send real commands through a client whose HTTP handler
 * answers locally: the bytes counted are the bodies the SDK actually serialised and sent.
 */
function clientAnswering(status: number): { s3: S3Client; sent: number[] } {
  const sent: number[] = [];
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { body?: unknown }) => {
        const body = request.body;
        sent.push(
          typeof body === 'string'
            ? Buffer.byteLength(body)
            : ((body as Uint8Array)?.byteLength ?? 0),
        );
        const xml =
          status === 200
            ? '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>'
            : '<Error><Code>InternalError</Code><Message>boom</Message></Error>';
        return {
          response: {
            statusCode: status,
            headers: { etag: '"e"', 'content-type': 'application/xml' },
            body: Readable.from([Buffer.from(xml)]),
          },
        };
      },
    },
  });
  return { s3, sent };
}

describe('writeMeter', () => {
  it('counts the bodies of PutObject and UploadPart, not of copies', async () => {
    // Prepare
    const { s3, sent } = clientAnswering(200);
    const meter = writeMeter(s3);

    // Act
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k.md5', Body: 'héllo\n' }));
    await s3.send(
      new UploadPartCommand({
        Bucket: 'b',
        Key: 'k',
        UploadId: 'u',
        PartNumber: 1,
        Body: Buffer.alloc(1000),
      }),
    );
    await s3.send(new CopyObjectCommand({ Bucket: 'b', Key: 'c', CopySource: 'b/k' }));

    // Assess: what the SDK put on the wire for the two writes ("héllo\n" is 7 bytes of UTF-8).
    expect(sent).toEqual([7, 1000, 0]);
    expect(meter.bytes).toBe(1007);
  });

  it('does not count a write S3 refused', async () => {
    // Prepare
    const { s3 } = clientAnswering(500);
    const meter = writeMeter(s3);

    // Act
    const put = s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x'.repeat(10) }));

    // Assess
    await expect(put).rejects.toThrow();
    expect(meter.bytes).toBe(0);
  });

  it('is installed once per client', async () => {
    // Prepare
    const { s3 } = clientAnswering(200);

    // Act
    const first = writeMeter(s3);
    const second = writeMeter(s3);
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'abc' }));

    // Assess
    expect(second).toBe(first);
    expect(first.bytes).toBe(3);
  });
});
