import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '@s3-pipelines/local-stack';
import {
  s3PutEvent,
  createBucket,
  testClient,
  upload,
  digestWithTool,
} from '@s3-pipelines/testing';

// Real bytes through the S3 emulator; the ~100 MiB case sets its own, longer timeout.
jest.setTimeout(30_000);

type Handler = (event: unknown) => Promise<{
  processed: number;
  skipped: number;
  failed: number;
  objects: { reason?: string }[];
}>;

describe('checksum handler against the S3 emulator', () => {
  let emulator: Emulator;
  let s3: S3Client;
  let bucket: string;
  let handler: Handler;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await startEmulator();
    s3 = testClient(emulator.endpoint);
    bucket = await createBucket(s3, 'checksum');
    // The handler finds the emulator through standard SDK configuration only, as in the local stack.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      EXTRA_ALGORITHMS: 'sha256',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../src/handler').handler as Handler;
  });
  afterAll(async () => {
    process.env = saved;
    s3?.destroy();
    await emulator?.stop();
  });

  async function text(key: string): Promise<string> {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return got.Body!.transformToString();
  }

  /** Downloads object and sidecar side by side and lets the real md5sum judge them. */
  function md5sumCheck(name: string, bytes: Buffer, sidecar: string): string {
    const dir = mkdtempSync(join(tmpdir(), 's3p-check-'));
    try {
      writeFileSync(join(dir, name), bytes);
      writeFileSync(join(dir, `${name}.md5`), sidecar);
      return execFileSync('md5sum', ['-c', `${name}.md5`], { cwd: dir, encoding: 'utf8' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ['plain.txt'],
    ['with space/and more spaces.txt'],
    ['plus+sign+2024.csv'],
    ['percent 100%.bin'],
    ['and & hash #1.bin'],
    ['données/naïve 東京 файл.bin'],
  ])('writes a sidecar md5sum -c accepts for %j', async (key) => {
    const bytes = randomBytes(4096 + key.length);
    const eTag = await upload(s3, bucket, key, bytes);

    const result = await handler(s3PutEvent({ bucket, key, size: bytes.length, eTag }));

    expect(result).toMatchObject({ processed: 1, failed: 0 });
    const sidecar = await text(`${key}.md5`);
    const name = key.slice(key.lastIndexOf('/') + 1);
    expect(sidecar).toBe(`${digestWithTool('md5sum', bytes)}  ${name}\n`);
    expect(md5sumCheck(name, bytes, sidecar)).toBe(`${name}: OK\n`);
  });

  it('matches md5sum for a ~100 MiB multipart upload and records sha256 and the source', async () => {
    const bytes = randomBytes(100 * 1024 * 1024 + 3);
    const eTag = await upload(s3, bucket, 'big/hundred.bin', bytes);

    const result = await handler(
      s3PutEvent({ bucket, key: 'big/hundred.bin', size: bytes.length, eTag }),
    );

    expect(result).toMatchObject({ processed: 1 });
    expect((await text('big/hundred.bin.md5')).split(' ')[0]).toBe(digestWithTool('md5sum', bytes));
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: 'big/hundred.bin.md5' }),
    );
    expect(head.Metadata).toMatchObject({
      sha256: digestWithTool('sha256sum', bytes),
      'source-etag': eTag,
      'source-key': 'big%2Fhundred.bin',
      processor: 'checksum',
    });
  }, 120_000);

  it('does nothing the second time the same event arrives', async () => {
    const eTag = await upload(s3, bucket, 'twice.txt', 'same bytes');
    const event = s3PutEvent({ bucket, key: 'twice.txt', size: 10, eTag });
    await handler(event);
    const first = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'twice.txt.md5' }));

    const again = await handler(event);

    expect(again.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'already-done' });
    const second = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'twice.txt.md5' }));
    expect(second.LastModified).toEqual(first.LastModified);
  });

  it('skips an object replaced before it was read, leaving no stale sidecar', async () => {
    const eTag = await upload(s3, bucket, 'raced.txt', 'old bytes');
    await upload(s3, bucket, 'raced.txt', 'new bytes!');

    const result = await handler(s3PutEvent({ bucket, key: 'raced.txt', size: 9, eTag }));

    expect(result).toMatchObject({ processed: 0, failed: 0, skipped: 1 });
    expect(result.objects[0]).toMatchObject({ reason: 'gone' });
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'raced.txt.md5' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });

  it('never checksums its own sidecar', async () => {
    const result = await handler(
      s3PutEvent({ bucket, key: 'plain.txt.md5', size: 45, eTag: 'abc' }),
    );

    expect(result.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'own-output' });
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain.txt.md5.md5' })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});
