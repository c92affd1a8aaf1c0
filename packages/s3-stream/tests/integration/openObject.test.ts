import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@s3-pipelines/local-stack';
import {
  startFaultProxy,
  createBucket,
  testClient,
  upload,
  digestWithTool,
} from '@s3-pipelines/testing';
import { ObjectGoneError } from '../../src/errors';
import { openObject } from '../../src/read/openObject';
import { uploadStream } from '../../src/write/uploadStream';

// Real bytes through the S3 emulator and a fault proxy.
jest.setTimeout(30_000);

async function md5Of(body: AsyncIterable<Buffer>): Promise<{ hex: string; bytes: number }> {
  const hash = createHash('md5');
  let bytes = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { hex: hash.digest('hex'), bytes };
}

describe('openObject against the S3 emulator', () => {
  let emulator: Emulator;
  let s3: S3Client;
  let bucket: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    s3 = testClient(emulator.endpoint);
    bucket = await createBucket(s3, 'read');
  });
  afterAll(async () => {
    s3?.destroy();
    await emulator?.stop();
  });

  it.each([
    ['0 B', 0],
    ['1 B', 1],
    ['8 MiB + 1', 8 * 1024 * 1024 + 1],
  ])(
    'streams %s with the MD5 md5sum prints, sequentially and in parallel ranges',
    async (_label, size) => {
      const bytes = randomBytes(size);
      const key = `sizes/${size}.bin`;
      const eTag = await upload(s3, bucket, key, bytes);
      const ref = { bucket, key, eTag, size };

      const sequential = await openObject(s3, ref);
      // Fanning out at the first read: the ranged GETs after the first are what is under test.
      const parallel = await openObject(s3, ref, {
        concurrency: 4,
        rangeSize: 1024 * 1024,
        fanOutIdleShare: 0,
      });
      // md5Of keeps no chunk, so it may read through reused buffers.
      const reused = await openObject(s3, ref, {
        concurrency: 4,
        rangeSize: 1024 * 1024,
        reuseBuffers: true,
        fanOutIdleShare: 0,
      });

      const expected = digestWithTool('md5sum', bytes);
      expect(await md5Of(sequential.body)).toEqual({ hex: expected, bytes: size });
      expect(await md5Of(parallel.body)).toEqual({ hex: expected, bytes: size });
      expect(await md5Of(reused.body)).toEqual({ hex: expected, bytes: size });
      expect(sequential.info.size).toBe(size);
    },
  );

  it('reads a multipart-uploaded object whole, in order', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 17);
    const eTag = await upload(s3, bucket, 'multipart.bin', bytes);
    expect(eTag).toMatch(/-3$/);

    const { body } = await openObject(
      s3,
      { bucket, key: 'multipart.bin', eTag },
      { concurrency: 3, rangeSize: 5_000_000, fanOutIdleShare: 0 },
    );

    expect((await md5Of(body)).hex).toBe(digestWithTool('md5sum', bytes));
  });

  it('resumes from the last byte when the connection is reset mid-body', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const eTag = await upload(s3, bucket, 'reset.bin', bytes);
    let cuts = 0;
    const proxy = await startFaultProxy(emulator.endpoint, {
      // Only the first full GET is cut, 1 MiB + 5 bytes in.
      cutAfter: (req) =>
        req.method === 'GET' && !req.headers.range && cuts++ === 0 ? 1024 * 1024 + 5 : undefined,
    });
    const viaProxy = testClient(proxy.endpoint);
    try {
      const { body } = await openObject(
        viaProxy,
        { bucket, key: 'reset.bin', eTag },
        { backoffMs: 10 },
      );
      const result = await md5Of(body);

      expect(result).toEqual({ hex: digestWithTool('md5sum', bytes), bytes: bytes.length });
      const ranged = proxy.requests.filter((r) => r.range);
      expect(ranged).toHaveLength(1);
      expect(ranged[0]!.range).toMatch(/^bytes=\d+-$/);
      expect(Number(/=(\d+)-/.exec(ranged[0]!.range!)![1])).toBeGreaterThan(0);
    } finally {
      viaProxy.destroy();
      await proxy.close();
    }
  });

  it('treats an object overwritten after its event as gone (412), not as a failure', async () => {
    const eTag = await upload(s3, bucket, 'overwritten.txt', 'version one');
    await upload(s3, bucket, 'overwritten.txt', 'version two');

    await expect(openObject(s3, { bucket, key: 'overwritten.txt', eTag })).rejects.toMatchObject({
      name: 'ObjectGoneError',
      status: 412,
    });
  });

  it('treats an object deleted after its event as gone (404)', async () => {
    const eTag = await upload(s3, bucket, 'deleted.txt', 'soon gone');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'deleted.txt' }));

    const attempt = openObject(s3, { bucket, key: 'deleted.txt', eTag });

    await expect(attempt).rejects.toBeInstanceOf(ObjectGoneError);
    await expect(attempt).rejects.toMatchObject({ status: 404 });
  });

  it('writes a stream of unknown length as multipart, with content type and metadata', async () => {
    const bytes = randomBytes(11 * 1024 * 1024);
    const { Readable } = await import('node:stream');

    await uploadStream(s3, {
      bucket,
      key: 'written.bin',
      body: Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]),
      contentType: 'application/x-test',
      metadata: { 'source-key': 'x' },
      partSize: 5 * 1024 * 1024,
    });

    const { info, body } = await openObject(s3, { bucket, key: 'written.bin' });
    expect(info).toMatchObject({
      size: bytes.length,
      contentType: 'application/x-test',
      metadata: { 'source-key': 'x' },
    });
    expect(info.eTag).toMatch(/-3$/);
    expect((await md5Of(body)).hex).toBe(digestWithTool('md5sum', bytes));
  });
});
