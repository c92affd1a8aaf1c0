import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { startEmulator, type Emulator } from '@s3-pipelines/local-stack';
import {
  s3PutEvent,
  createBucket,
  testClient,
  upload,
  digestWithTool,
} from '@s3-pipelines/testing';

// Real requests to the S3 emulator in a child process.
jest.setTimeout(30_000);

type Handler = (
  event: unknown,
) => Promise<{ processed: number; objects: { reason?: string; outcome: string }[] }>;

describe('metadata handler against the S3 emulator', () => {
  let emulator: Emulator;
  let s3: S3Client;
  let source: string;
  let reports: string;
  let handler: Handler;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await startEmulator();
    s3 = testClient(emulator.endpoint);
    source = await createBucket(s3, 'meta-src');
    reports = await createBucket(s3, 'meta-out');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      OUTPUT_BUCKET: reports,
      OUTPUT_PREFIX: 'metadata/',
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

  async function record(key: string): Promise<Record<string, unknown>> {
    const got = await s3.send(
      new GetObjectCommand({ Bucket: reports, Key: `metadata/${key}.metadata.json` }),
    );
    return JSON.parse(await got.Body!.transformToString()) as Record<string, unknown>;
  }

  it('records what HeadObject says, with the MD5 of a single-part upload', async () => {
    const key = 'docs/q3 report+final ü.csv';
    const bytes = Buffer.from('a,b\n1,2\n');
    await s3.send(
      new PutObjectCommand({
        Bucket: source,
        Key: key,
        Body: bytes,
        ContentType: 'text/csv',
        Metadata: { team: 'data' },
        ChecksumAlgorithm: 'SHA256',
      }),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: source, Key: key, ChecksumMode: 'ENABLED' }),
    );
    const eTag = head.ETag!.replace(/"/g, '');

    const result = await handler(s3PutEvent({ bucket: source, key, size: bytes.length, eTag }));

    expect(result.processed).toBe(1);
    expect(await record(key)).toMatchObject({
      bucket: source,
      key,
      size: head.ContentLength,
      contentType: head.ContentType,
      lastModified: head.LastModified!.toISOString(),
      eTag,
      userMetadata: head.Metadata,
      storageClass: 'STANDARD',
      md5: digestWithTool('md5sum', bytes),
      checksums: [{ algorithm: 'SHA256', value: head.ChecksumSHA256, type: 'FULL_OBJECT' }],
    });
  });

  it('gives no MD5 for a multipart upload, and reports its composite checksum and parts', async () => {
    const bytes = randomBytes(11 * 1024 * 1024);
    const eTag = await upload(s3, source, 'multi.bin', bytes);

    await handler(s3PutEvent({ bucket: source, key: 'multi.bin', size: bytes.length, eTag }));

    const written = await record('multi.bin');
    expect(written).toMatchObject({ md5: null, parts: 3, size: bytes.length, eTag });
    expect(written.checksums).toEqual([expect.objectContaining({ type: 'COMPOSITE' })]);
  });

  it('skips the same event the second time, and objects deleted before the event is handled', async () => {
    const eTag = await upload(s3, source, 'once.txt', 'hello');
    const event = s3PutEvent({ bucket: source, key: 'once.txt', size: 5, eTag });
    await handler(event);

    const again = await handler(event);
    const missing = await handler(
      s3PutEvent({ bucket: source, key: 'never-uploaded.txt', size: 1, eTag: 'x' }),
    );

    expect(again.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'already-done' });
    expect(missing.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'gone' });
  });
});
