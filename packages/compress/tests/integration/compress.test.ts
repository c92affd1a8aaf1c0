import {
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type HeadObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createLogger, parseConfig, type Logger, type ObjectRef } from '@s3-pipelines/s3-stream';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { startEmulator, type Emulator } from '@s3-pipelines/local-stack';
import {
  s3PutEvent,
  createBucket,
  testClient,
  upload,
  digestWithTool,
  download,
  gunzipTo,
  tool,
  textBytes,
  runPipeline,
  startFaultProxy,
} from '@s3-pipelines/testing';
import { CompressConfigSchema, type CompressConfig } from '../../src/config';
import { compressPipeline } from '../../src/pipeline';

// Real archives through the emulator; the ~100 MiB cases set their own, longer timeouts.
jest.setTimeout(60_000);

type Report = { outcome: string; reason?: string; output?: Record<string, unknown> };
type Handler = (
  event: unknown,
) => Promise<{ processed: number; failed: number; objects: Report[] }>;

const MiB = 1024 * 1024;

/** compress as its handler runs it: the skip rules, then the core. */
function compressObject(
  client: S3Client,
  object: ObjectRef,
  settings: CompressConfig,
  logger: Logger,
) {
  return runPipeline(compressPipeline(settings, logger), client, object);
}
const BIG = 100 * MiB + 5;

let emulator: Emulator;
let s3: S3Client;
let bucket: string;
let handler: Handler;
let work: string;
const saved = { ...process.env };

beforeAll(async () => {
  emulator = await startEmulator();
  s3 = testClient(emulator.endpoint);
  bucket = await createBucket(s3, 'compress');
  work = mkdtempSync(join(tmpdir(), 's3p-compress-'));
  // The handler finds the emulator through standard SDK configuration only, as in the local stack.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: emulator.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    TRIGGER_PREFIX: 'incoming/',
    OUTPUT_PREFIX: 'processed/',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  handler = require('../../src/handler').handler as Handler;
});

afterAll(async () => {
  process.env = saved;
  s3?.destroy();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function head(key: string): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

async function exists(key: string): Promise<boolean> {
  return head(key).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFound') return false;
      throw error;
    },
  );
}

/** Uploads under incoming/ and runs the handler on the S3 notification for it. */
async function compressViaHandler(key: string, bytes: Buffer) {
  const eTag = await upload(s3, bucket, key, bytes);
  const result = await handler(s3PutEvent({ bucket, key, size: bytes.length, eTag }));
  return { eTag, result };
}

function config(env: Record<string, string> = {}): CompressConfig {
  return parseConfig(CompressConfigSchema, { OUTPUT_PREFIX: 'processed/', ...env });
}

/** The one entry's name, read with yauzl (an independent zip reader). */
function zipEntryNames(path: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('zip archives, judged by unzip -t and cmp', () => {
  it.each([
    ['0 B', 'incoming/sizes/empty.bin', () => Buffer.alloc(0), 'stored'],
    ['1 B', 'incoming/sizes/one.txt', () => Buffer.from('x'), 'stored'],
    ['~100 MiB random', 'incoming/sizes/random.bin', () => randomBytes(BIG), 'stored'],
    ['~100 MiB text', 'incoming/sizes/text.csv', () => textBytes(BIG), 'deflate'],
  ])(
    '%s: archive tests OK, extracts to the same bytes, original deleted',
    async (_label, key, make, compression) => {
      // Prepare
      const bytes = make();
      const dir = mkdtempSync(join(work, 'zip-'));
      const original = join(dir, 'original');
      writeFileSync(original, bytes);
      const md5 = digestWithTool('md5sum', bytes);

      // Act
      const { eTag, result } = await compressViaHandler(key, bytes);

      // Assess
      expect(result).toMatchObject({ processed: 1, failed: 0 });
      const archiveKey = `processed/${key.slice('incoming/'.length)}.zip`;
      const archive = join(dir, 'archive.zip');
      await download(s3, bucket, archiveKey, archive);
      const test = tool('unzip', ['-t', archive]);
      expect(test.stderr).toBe('');
      expect(test.status).toBe(0);
      const name = key.slice(key.lastIndexOf('/') + 1);
      expect(tool('unzip', ['-qq', '-d', join(dir, 'out'), archive]).status).toBe(0);
      expect(readdirSync(join(dir, 'out'))).toEqual([name]);
      expect(tool('cmp', [original, join(dir, 'out', name)]).status).toBe(0);
      expect((await head(archiveKey)).Metadata).toMatchObject({
        processor: 'compress',
        'source-etag': eTag,
        'original-size': String(bytes.length),
        format: 'zip',
        level: '6',
        compression,
      });
      expect(tool('unzip', ['-z', '-qq', archive]).stdout.trim()).toBe(`original-md5=${md5}`);
      expect(tool('unzip', ['-Z', '-l', archive]).stdout).toContain(
        compression === 'stored' ? ' stor ' : ' defN ',
      );
      expect(await exists(key)).toBe(false);
      expect(result.objects[0]!.output).toMatchObject({
        bytesIn: bytes.length,
        bytesOut: (await head(archiveKey)).ContentLength,
        compression,
      });
    },
    120_000,
  );

  it.each([
    'incoming/with space/and more spaces.txt',
    'incoming/plus+sign+2024.csv',
    'incoming/données/naïve 東京 файл #1 & 50%.txt',
  ])('keeps the relative path and the name of %j', async (key) => {
    // Prepare
    const bytes = textBytes(64 * 1024 + key.length);
    const dir = mkdtempSync(join(work, 'names-'));

    // Act
    const { result } = await compressViaHandler(key, bytes);

    // Assess
    expect(result).toMatchObject({ processed: 1 });
    const archiveKey = `processed/${key.slice('incoming/'.length)}.zip`;
    const archive = join(dir, 'archive.zip');
    await download(s3, bucket, archiveKey, archive);
    expect(tool('unzip', ['-t', archive]).status).toBe(0);
    expect(await zipEntryNames(archive)).toEqual([key.slice(key.lastIndexOf('/') + 1)]);
    const extracted = join(dir, 'extracted');
    expect(tool('sh', ['-c', 'unzip -p "$1" > "$2"', 'sh', archive, extracted]).status).toBe(0);
    expect(digestWithTool('md5sum', readFileSync(extracted))).toBe(digestWithTool('md5sum', bytes));
    expect((await head(archiveKey)).Metadata?.['source-key']).toBe(encodeURIComponent(key));
  });
});

describe('gzip archives, judged by gzip -t and cmp', () => {
  it.each([
    ['0 B', 'incoming/gz/empty.bin', () => Buffer.alloc(0)],
    ['1 B', 'incoming/gz/one.txt', () => Buffer.from('y')],
    ['~100 MiB random', 'incoming/gz/random.bin', () => randomBytes(BIG)],
    ['~100 MiB text', 'incoming/gz/text.csv', () => textBytes(BIG)],
  ])(
    '%s: gzip -t passes and gunzip gives the same bytes',
    async (_label, key, make) => {
      // Prepare
      const bytes = make();
      const dir = mkdtempSync(join(work, 'gz-'));
      const original = join(dir, 'original');
      writeFileSync(original, bytes);
      const eTag = await upload(s3, bucket, key, bytes);

      // Act
      const result = await compressObject(
        s3,
        { bucket, key, size: bytes.length, eTag },
        config({ FORMAT: 'gzip', LEVEL: '6' }),
        createLogger('compress'),
      );

      // Assess
      expect(result.outcome).toBe('processed');
      const archive = join(dir, 'archive.gz');
      await download(s3, bucket, `processed/${key.slice('incoming/'.length)}.gz`, archive);
      expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
      expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
      expect(tool('cmp', [original, join(dir, 'out')]).status).toBe(0);
      expect(await exists(key)).toBe(false);
    },
    120_000,
  );
});

describe('zstd archives, judged by zstd -t and cmp', () => {
  it.each([
    ['0 B', 'incoming/zst/empty.bin', () => Buffer.alloc(0), 'stored'],
    ['1 B', 'incoming/zst/one.txt', () => Buffer.from('z'), 'stored'],
    ['~100 MiB random', 'incoming/zst/random.bin', () => randomBytes(BIG), 'stored'],
    ['~100 MiB text', 'incoming/zst/text.csv', () => textBytes(BIG), 'zstd'],
  ])(
    '%s: zstd -t passes and zstd -d gives the same bytes',
    async (_label, key, make, compression) => {
      // Prepare
      const bytes = make();
      const dir = mkdtempSync(join(work, 'zst-'));
      const original = join(dir, 'original');
      writeFileSync(original, bytes);
      const eTag = await upload(s3, bucket, key, bytes);

      // Act
      const result = await compressObject(
        s3,
        { bucket, key, size: bytes.length, eTag },
        config({ FORMAT: 'zstd' }),
        createLogger('compress'),
      );

      // Assess
      expect(result.outcome).toBe('processed');
      const archiveKey = `processed/${key.slice('incoming/'.length)}.zst`;
      const archive = join(dir, 'archive.zst');
      await download(s3, bucket, archiveKey, archive);
      expect(tool('zstd', ['-q', '-t', archive])).toMatchObject({ status: 0, stderr: '' });
      const extracted = join(dir, 'out');
      expect(tool('sh', ['-c', 'zstd -q -dc "$1" > "$2"', 'sh', archive, extracted]).status).toBe(
        0,
      );
      expect(tool('cmp', [original, extracted]).status).toBe(0);
      expect((await head(archiveKey)).ContentType).toBe('application/zstd');
      expect((await head(archiveKey)).Metadata).toMatchObject({
        format: 'zstd',
        level: '3',
        compression,
      });
      expect(await exists(key)).toBe(false);
    },
    120_000,
  );
});

describe('one write per archive', () => {
  it('creates the archive with one multipart upload and nothing after it (one ObjectCreated)', async () => {
    // Prepare: the function's S3 traffic through a proxy that records every request, on a
    // client that records every command, for an archive of three parts.
    const key = 'incoming/once/three-parts.bin';
    const archiveKey = 'processed/once/three-parts.bin.zip';
    const bytes = randomBytes(12 * MiB);
    const eTag = await upload(s3, bucket, key, bytes);
    const proxy = await startFaultProxy(emulator.endpoint);
    const client = testClient(proxy.endpoint);
    const commands: string[] = [];
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName!);
        return next(args);
      },
      { step: 'initialize', name: 'recordCommands' },
    );

    try {
      // Act
      const result = await compressObject(
        client,
        { bucket, key, size: bytes.length, eTag },
        config({ PART_SIZE_MB: '5' }),
        createLogger('compress'),
      );

      // Assess: S3 raises ObjectCreated for a PUT (PutObject or CopyObject) and for a completed
      // multipart upload; the archive's key gets exactly one of those.
      expect(result.output).toMatchObject({
        sourceAction: 'deleted',
        md5: digestWithTool('md5sum', bytes),
      });
      const path = `/${bucket}/${archiveKey.split('/').map(encodeURIComponent).join('/')}`;
      const creating = proxy.requests.filter(
        (r) =>
          r.url.split('?')[0] === path &&
          ((r.method === 'PUT' && !r.url.includes('uploadId=')) ||
            (r.method === 'POST' && r.url.includes('uploadId='))),
      );
      expect(creating).toEqual([expect.objectContaining({ method: 'POST' })]);
      expect(commands).toEqual([
        'HeadObjectCommand',
        'GetObjectCommand',
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'CompleteMultipartUploadCommand',
        'HeadObjectCommand',
        'HeadObjectCommand',
        'DeleteObjectCommand',
      ]);
    } finally {
      client.destroy();
      await proxy.close();
    }
  });
});

describe('safety of the original', () => {
  it('leaves the original and no archive when an UploadPart fails, and aborts the upload', async () => {
    // Prepare: a client that fails the 2nd part, as a reset connection would.
    const key = 'incoming/faults/upload.bin';
    const bytes = randomBytes(12 * MiB);
    const eTag = await upload(s3, bucket, key, bytes);
    const failing = testClient(emulator.endpoint);
    const sent: string[] = [];
    let parts = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        sent.push(context.commandName!);
        if (context.commandName === 'UploadPartCommand' && ++parts === 2)
          throw Object.assign(new Error('injected: connection reset'), { code: 'ECONNRESET' });
        return next(args);
      },
      { step: 'initialize', name: 'failSecondPart' },
    );

    // Act
    const compressing = compressObject(
      failing,
      { bucket, key, size: bytes.length, eTag },
      config({ PART_SIZE_MB: '5' }),
      createLogger('compress'),
    );

    // Assess
    await expect(compressing).rejects.toMatchObject({ retryable: true });
    expect(sent).toContain('AbortMultipartUploadCommand');
    expect(sent).not.toContain('CompleteMultipartUploadCommand');
    expect(sent).not.toContain('DeleteObjectCommand');
    expect((await head(key)).ETag).toBe(`"${eTag}"`);
    expect(await exists('processed/faults/upload.bin.zip')).toBe(false);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'processed/faults/' }),
    );
    expect(listed.Contents ?? []).toEqual([]);
    failing.destroy();
  });

  it('skips as gone an object overwritten between the event and the read, keeping the new one', async () => {
    // Prepare
    const key = 'incoming/faults/raced.txt';
    const eTag = await upload(s3, bucket, key, 'old bytes');
    const newer = await upload(s3, bucket, key, 'new bytes, not yet compressed');

    // Act
    const result = await handler(s3PutEvent({ bucket, key, size: 9, eTag }));

    // Assess
    expect(result.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'gone' });
    expect((await head(key)).ETag).toBe(`"${newer}"`);
    expect(await exists('processed/faults/raced.txt.zip')).toBe(false);
  });

  it('keeps a new upload that lands after the read but before the delete', async () => {
    // Prepare: overwrite the source the moment the archive is written (before its HEAD).
    const key = 'incoming/faults/late.txt';
    const bytes = textBytes(200 * 1024);
    const eTag = await upload(s3, bucket, key, bytes);
    const racing = testClient(emulator.endpoint);
    let uploaded = false;
    let newer: string | undefined;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutObjectCommand') uploaded = true;
        else if (context.commandName === 'HeadObjectCommand' && uploaded && !newer)
          newer = (await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v2' })))
            .ETag;
        return next(args);
      },
      { step: 'initialize', name: 'overwriteSource' },
    );

    // Act
    const result = await compressObject(
      racing,
      { bucket, key, size: bytes.length, eTag },
      config(),
      createLogger('compress'),
    );

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept-superseded' });
    expect((await head(key)).ETag).toBe(newer);
    expect(await exists('processed/faults/late.txt.zip')).toBe(true);
    racing.destroy();
  });

  it('keeps the original when DELETE_SOURCE=false, and deletes it on a later run once allowed', async () => {
    // Prepare
    const key = 'incoming/keep/report.csv';
    const bytes = textBytes(300 * 1024);
    const eTag = await upload(s3, bucket, key, bytes);
    const ref: ObjectRef = { bucket, key, size: bytes.length, eTag };
    const logger = createLogger('compress');

    // Act
    const kept = await compressObject(s3, ref, config({ DELETE_SOURCE: 'false' }), logger);
    const archived = await head('processed/keep/report.csv.zip');
    const again = await compressObject(s3, ref, config(), logger);

    // Assess
    expect(kept.output).toMatchObject({ sourceAction: 'kept' });
    expect(again).toMatchObject({
      outcome: 'skipped',
      reason: 'already-done',
      output: { sourceAction: 'deleted' },
    });
    expect(await exists(key)).toBe(false);
    expect((await head('processed/keep/report.csv.zip')).LastModified).toEqual(
      archived.LastModified,
    );
  });
});

describe('oversized input', () => {
  it('refuses an object over MAX_INPUT_BYTES permanently, leaving it and writing nothing', async () => {
    // Prepare
    const key = 'incoming/limits/too-big.csv';
    const bytes = textBytes(2000);
    const eTag = await upload(s3, bucket, key, bytes);
    const ref: ObjectRef = { bucket, key, size: bytes.length, eTag };

    // Act
    const compressing = compressObject(
      s3,
      ref,
      config({ MAX_INPUT_BYTES: '1999' }),
      createLogger('compress'),
    );

    // Assess
    await expect(compressing).rejects.toMatchObject({
      name: 'InputTooLargeError',
      retryable: false,
    });
    expect((await head(key)).ETag).toBe(`"${eTag}"`);
    expect(await exists('processed/limits/too-big.csv.zip')).toBe(false);
  });
});

describe('idempotency and skip rules', () => {
  it('does nothing the second time the same event arrives', async () => {
    // Prepare
    const key = 'incoming/twice.txt';
    const { eTag } = await compressViaHandler(key, Buffer.from('same bytes'));
    const first = await head('processed/twice.txt.zip');

    // Act
    const again = await handler(s3PutEvent({ bucket, key, size: 10, eTag }));

    // Assess
    expect(again.objects[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'already-done',
      output: { sourceAction: 'already-gone' },
    });
    expect((await head('processed/twice.txt.zip')).LastModified).toEqual(first.LastModified);
  });

  it('never compresses its own archive', async () => {
    // Act
    const result = await handler(
      s3PutEvent({ bucket, key: 'processed/twice.txt.zip', size: 100, eTag: 'abc' }),
    );

    // Assess
    expect(result.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'own-output' });
    expect(await exists('processed/twice.txt.zip.zip')).toBe(false);
  });

  it('skips an upload that is already compressed by its content type, keeping it', async () => {
    // Prepare
    const key = 'incoming/skip/archive.bin';
    const bytes = randomBytes(1024);
    const eTag = await upload(s3, bucket, key, bytes, { ContentType: 'application/gzip' });

    // Act
    const result = await handler(s3PutEvent({ bucket, key, size: bytes.length, eTag }));

    // Assess
    expect(result.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'already-compressed' });
    expect(await exists(key)).toBe(true);
    expect(await exists('processed/skip/archive.bin.zip')).toBe(false);
  });
});
