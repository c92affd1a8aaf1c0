import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import {
  createProcessContext,
  parseConfig,
  processObject,
  type Logger,
  type ObjectRef,
} from '@s3-pipelines/s3-stream';
import {
  bodyOf,
  fakeLogger,
  runPipeline,
  s3Error,
  digestWithTool,
  textBytes,
  tool,
} from '@s3-pipelines/testing';
import { CompressConfigSchema, type CompressConfig } from '../../src/config';
import { compressPipeline } from '../../src/pipeline';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const BYTES = textBytes(64 * 1024);
const MD5 = digestWithTool('md5sum', BYTES);
/** The object is one block: its sample is the whole of it, deflated in one go. */
const SAMPLE_RATIO = (deflateRawSync(BYTES, { level: 6 }).length / BYTES.length).toFixed(4);
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';
const SOURCE = 'incoming/reports/q1.csv';
const ARCHIVE = 'processed/reports/q1.csv.zip';

const config: CompressConfig = parseConfig(CompressConfigSchema, {});
const ref: ObjectRef = {
  bucket: 'mybucket',
  key: SOURCE,
  size: BYTES.length,
  eTag: MD5,
  versionId: VERSION,
};
const unversioned: ObjectRef = { bucket: 'mybucket', key: SOURCE, size: BYTES.length, eTag: MD5 };

/** compress as its handler runs it: the skip rules, then the core. */
function compressObject(
  client: S3Client,
  object: ObjectRef,
  settings: CompressConfig,
  logger: Logger = fakeLogger().asLogger,
) {
  return runPipeline(compressPipeline(settings, logger), client, object);
}

/** What S3 would answer to a HEAD of the archive once it was uploaded. */
function writtenArchive(): HeadObjectCommandOutput {
  const put = s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input;
  if (!put) throw s3Error('NotFound', 404);
  return {
    $metadata: {},
    ContentLength: Buffer.from(put.Body as Uint8Array).length,
    ContentType: put.ContentType,
    Metadata: put.Metadata,
    ETag: '"uploaded"',
  };
}

/** The archive is written once: no copy of it (a rewrite would be a second ObjectCreated). */
function expectOneWrite(): void {
  expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
  expect(s3Mock).not.toReceiveCommand(CopyObjectCommand);
  expect(s3Mock).not.toReceiveCommand(UploadPartCopyCommand);
}

/** What `unzip -z` says the uploaded archive's comment is. */
function uploadedZipComment(): string {
  const dir = mkdtempSync(join(tmpdir(), 'compress-unit-'));
  try {
    const archive = join(dir, 'a.zip');
    const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    writeFileSync(archive, Buffer.from(put.Body as Uint8Array));
    return tool('unzip', ['-z', '-qq', archive]).stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A bucket holding the source (versioned unless said otherwise) and no archive yet. The archive
 * HEAD answers 404 until the upload, then what was written; the source HEAD shows it current.
 */
function givenS3(
  options: {
    versionId?: string;
    contentType?: string;
    metadata?: Record<string, string>;
    bytes?: Buffer;
  } = {},
): void {
  const bytes = options.bytes ?? BYTES;
  const versionId = 'versionId' in options ? options.versionId : VERSION;
  s3Mock
    .on(HeadObjectCommand, { Key: ARCHIVE })
    .callsFake(() => writtenArchive())
    .on(HeadObjectCommand, { Key: SOURCE })
    .resolves({ ETag: `"${MD5}"`, VersionId: versionId, ContentLength: bytes.length })
    .on(GetObjectCommand)
    .callsFake(() => ({
      ETag: `"${MD5}"`,
      VersionId: versionId,
      ContentLength: bytes.length,
      ContentType: options.contentType ?? 'text/csv',
      LastModified: new Date('2024-05-06T07:08:09Z'),
      Metadata: options.metadata ?? {},
      Body: bodyOf(bytes, 4096),
    }))
    .on(PutObjectCommand)
    .resolves({ ETag: '"uploaded"' })
    .on(DeleteObjectCommand)
    .resolves({ DeleteMarker: true });
}

const EXPECTED_METADATA = {
  'source-bucket': 'mybucket',
  'source-key': encodeURIComponent(SOURCE),
  'source-etag': MD5,
  'source-version-id': VERSION,
  processor: 'compress',
  'original-size': String(BYTES.length),
  'original-content-type': 'text/csv',
  format: 'zip',
  level: '6',
  compression: 'deflate',
  'sample-ratio': SAMPLE_RATIO,
  'store-above-ratio': '0.98',
};

/** An archive finished by an earlier run for the source version in `ref`. */
function finishedArchive(overrides: Record<string, string> = {}): HeadObjectCommandOutput {
  return {
    $metadata: {},
    ContentLength: 1234,
    Metadata: { ...EXPECTED_METADATA, ...overrides },
  };
}

describe('compressObject', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it("uploads the archive once, with metadata naming the source and the MD5 in the zip's comment, then deletes the original", async () => {
    // Prepare
    givenS3();

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'mybucket',
      Key: ARCHIVE,
      ContentType: 'application/zip',
      Metadata: EXPECTED_METADATA,
    });
    expectOneWrite();
    expect(uploadedZipComment()).toBe(`original-md5=${MD5}`);
    expect(result).toMatchObject({
      outcome: 'processed',
      bytes: BYTES.length,
      output: {
        archiveBucket: 'mybucket',
        archive: ARCHIVE,
        format: 'zip',
        level: 6,
        compression: 'deflate',
        sampleRatio: Number(SAMPLE_RATIO),
        storeAboveRatio: 0.98,
        workers: 0,
        bytesIn: BYTES.length,
        md5: MD5,
        sourceAction: 'deleted',
      },
    });
    expect(result.output!.ratio).toBeCloseTo((result.output!.bytesOut as number) / BYTES.length, 3);
  });

  it('reads the version the event named', async () => {
    // Prepare
    givenS3();

    // Act
    await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
      Bucket: 'mybucket',
      Key: SOURCE,
      VersionId: VERSION,
    });
  });

  it('deletes with If-Match and no VersionId, so a versioned bucket keeps the data behind a delete marker', async () => {
    // Prepare
    givenS3();

    // Act
    await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandTimes(DeleteObjectCommand, 1);
    const input = s3Mock.commandCalls(DeleteObjectCommand)[0]!.args[0].input;
    expect(input).toEqual({ Bucket: 'mybucket', Key: SOURCE, IfMatch: `"${MD5}"` });
  });

  it('deletes only after the archive HEAD, and the HEAD after the upload', async () => {
    // Prepare
    givenS3();

    // Act
    await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    const order = s3Mock.calls().map((call) => {
      const input = call.args[0].input as { Key?: string };
      return `${call.args[0].constructor.name}:${input.Key}`;
    });
    expect(order).toEqual([
      `HeadObjectCommand:${ARCHIVE}`,
      `GetObjectCommand:${SOURCE}`,
      `PutObjectCommand:${ARCHIVE}`,
      `HeadObjectCommand:${ARCHIVE}`,
      `HeadObjectCommand:${SOURCE}`,
      `DeleteObjectCommand:${SOURCE}`,
    ]);
  });

  it.each([
    ['the source ETag differs', { 'source-etag': 'another' }],
    ['the original size differs', { 'original-size': '1' }],
    ['the compression differs', { compression: 'stored' }],
    ['another version wrote it', { 'source-version-id': 'other' }],
  ])(
    'keeps the original when the archive HEAD shows other metadata: %s',
    async (_label, overrides) => {
      // Prepare
      givenS3();
      s3Mock.on(HeadObjectCommand, { Key: ARCHIVE }).callsFake(() => {
        const written = writtenArchive();
        return { ...written, Metadata: { ...written.Metadata, ...overrides } };
      });
      const logger = fakeLogger();

      // Act
      const result = await compressObject(s3, ref, config, logger.asLogger);

      // Assess
      expect(result.output).toMatchObject({ sourceAction: 'kept-unverified' });
      expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
      expect(logger.warn).toHaveBeenCalledWith(
        'original kept: archive not verified',
        expect.anything(),
      );
    },
  );

  it('keeps the original when the archive HEAD shows another size', async () => {
    // Prepare
    givenS3();
    s3Mock
      .on(HeadObjectCommand, { Key: ARCHIVE })
      .callsFake(() => ({ ...writtenArchive(), ContentLength: 3 }));

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept-unverified' });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('keeps the original when the archive cannot be found after the upload', async () => {
    // Prepare
    givenS3();
    s3Mock.on(HeadObjectCommand, { Key: ARCHIVE }).rejects(s3Error('NotFound', 404));

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({
      sourceAction: 'kept-unverified',
      mismatch: 'archive not found',
    });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('never deletes when DELETE_SOURCE=false, and does not even verify', async () => {
    // Prepare
    givenS3();

    // Act
    const result = await compressObject(
      s3,
      ref,
      { ...config, DELETE_SOURCE: false },
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept' });
    expectOneWrite();
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
    expect(s3Mock).not.toReceiveCommandWith(HeadObjectCommand, { Key: SOURCE });
  });

  it('fails without deleting when the upload fails', async () => {
    // Prepare
    givenS3();
    s3Mock.on(PutObjectCommand).rejects(s3Error('InternalError', 500));

    // Act
    const compressing = compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    await expect(compressing).rejects.toMatchObject({ retryable: true });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('keeps a newer version that became current while it compressed', async () => {
    // Prepare
    givenS3();
    s3Mock
      .on(HeadObjectCommand, { Key: SOURCE })
      .resolves({ ETag: `"${MD5}"`, VersionId: 'newer' });

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept-superseded' });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('keeps a replacement on an unversioned bucket, by ETag', async () => {
    // Prepare
    givenS3({ versionId: undefined });
    s3Mock
      .on(HeadObjectCommand, { Key: SOURCE })
      .resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });

    // Act
    const result = await compressObject(s3, unversioned, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept-superseded' });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('keeps a replacement that lands between the HEAD and the DELETE (S3 answers 412)', async () => {
    // Prepare
    givenS3({ versionId: undefined });
    s3Mock.on(DeleteObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    // Act
    const result = await compressObject(s3, unversioned, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'kept-superseded' });
    expect(s3Mock).toReceiveCommandWith(DeleteObjectCommand, { Key: SOURCE, IfMatch: `"${MD5}"` });
  });

  it('skips a re-delivered event as already-done without reading, and deletes the original still there', async () => {
    // Prepare
    givenS3();
    s3Mock.on(HeadObjectCommand, { Key: ARCHIVE }).resolves(finishedArchive());

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'already-done',
      output: { archiveBucket: 'mybucket', archive: ARCHIVE, sourceAction: 'deleted' },
    });
    expect(s3Mock).not.toReceiveCommand(GetObjectCommand);
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).toReceiveCommandWith(DeleteObjectCommand, { Key: SOURCE, IfMatch: `"${MD5}"` });
  });

  it('skips a re-delivered event as already-done when the original is gone already', async () => {
    // Prepare
    givenS3();
    s3Mock
      .on(HeadObjectCommand, { Key: ARCHIVE })
      .resolves(finishedArchive())
      .on(HeadObjectCommand, { Key: SOURCE })
      .rejects(s3Error('NotFound', 404));

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'already-gone' });
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('rewrites an archive made from an older version', async () => {
    // Prepare
    givenS3();
    s3Mock
      .on(HeadObjectCommand, { Key: ARCHIVE })
      .resolvesOnce(finishedArchive({ 'source-version-id': 'older' }))
      .callsFake(() => writtenArchive());

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.output).toMatchObject({ sourceAction: 'deleted' });
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
  });

  it('writes gzip as .gz with application/gzip', async () => {
    // Prepare
    givenS3();
    const gzArchive = 'processed/reports/q1.csv.gz';
    s3Mock.on(HeadObjectCommand, { Key: gzArchive }).callsFake(() => writtenArchive());

    // Act
    const result = await compressObject(
      s3,
      ref,
      { ...config, FORMAT: 'gzip', LEVEL: 9 },
      fakeLogger().asLogger,
    );

    // Assess
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Key: gzArchive,
      ContentType: 'application/gzip',
      Metadata: expect.objectContaining({ format: 'gzip', level: '9' }),
    });
    const body = Buffer.from(
      s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Uint8Array,
    );
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(result.output).toMatchObject({ sourceAction: 'deleted' });
  });

  it('writes to OUTPUT_BUCKET when one is configured', async () => {
    // Prepare
    givenS3();

    // Act
    await compressObject(
      s3,
      ref,
      { ...config, OUTPUT_BUCKET: 'archive-bucket' },
      fakeLogger().asLogger,
    );

    // Assess
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'archive-bucket',
      Key: ARCHIVE,
    });
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'archive-bucket',
      Key: ARCHIVE,
    });
    expectOneWrite();
    expect(s3Mock).toReceiveCommandWith(DeleteObjectCommand, { Bucket: 'mybucket', Key: SOURCE });
  });

  it.each([
    ['a folder marker', 'incoming/dir/', 'folder-marker'],
    ['a key outside the trigger prefix', 'elsewhere/report.csv', 'outside-trigger'],
    ['an upload that is already an archive', 'incoming/backup.tar.gz', 'already-compressed'],
  ])('skips %s without any S3 call', async (_label, key, reason) => {
    // Act
    const result = await compressObject(
      s3,
      { bucket: 'mybucket', key, size: 10 },
      config,
      fakeLogger().asLogger,
    );

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('compresses an archive-looking name when SKIP_COMPRESSED=false', async () => {
    // Prepare
    givenS3();
    const key = 'incoming/reports/q1.csv';

    // Act
    const result = await compressObject(
      s3,
      { ...ref, key },
      { ...config, SKIP_COMPRESSED: false, COMPRESSED_SUFFIXES: ['.csv'] },
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.outcome).toBe('processed');
  });

  it('skips by content type after opening, releasing the response and keeping the original', async () => {
    // Prepare
    givenS3({ contentType: 'application/x-gzip' });

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-compressed' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('skips its own output, recognised by its metadata', async () => {
    // Prepare
    givenS3({ metadata: { processor: 'compress' } });

    // Act
    const result = await compressObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'own-output' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('refuses an object over MAX_INPUT_BYTES as a permanent error, touching nothing', async () => {
    // Prepare
    givenS3();
    const small = parseConfig(CompressConfigSchema, { MAX_INPUT_BYTES: String(BYTES.length - 1) });

    // Act
    const compressing = compressObject(s3, ref, small, fakeLogger().asLogger);

    // Assess
    await expect(compressing).rejects.toMatchObject({
      name: 'InputTooLargeError',
      retryable: false,
      message: `${SOURCE} is ${BYTES.length} bytes, over the limit of ${BYTES.length - 1} bytes`,
    });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('skips an oversized object that is already compressed instead of failing it', async () => {
    // Prepare
    givenS3({ contentType: 'application/zip' });
    const small = parseConfig(CompressConfigSchema, { MAX_INPUT_BYTES: String(BYTES.length - 1) });

    // Act
    const result = await compressObject(s3, ref, small, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-compressed' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('lets an object replaced before the read surface as ObjectGoneError, touching nothing', async () => {
    // Prepare
    givenS3({ versionId: undefined });
    s3Mock.on(GetObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    // Act
    const compressing = compressObject(s3, unversioned, config, fakeLogger().asLogger);

    // Assess
    await expect(compressing).rejects.toMatchObject({ name: 'ObjectGoneError', status: 412 });
    expect(s3Mock).toReceiveCommandWith(GetObjectCommand, { IfMatch: `"${MD5}"` });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('stores what does not shrink, and says so in the metadata and the report', async () => {
    // Prepare
    const random = randomBytes(64 * 1024);
    givenS3({ bytes: random });

    // Act
    const result = await compressObject(
      s3,
      { ...ref, size: random.length },
      config,
      fakeLogger().asLogger,
    );

    // Assess
    expectOneWrite();
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Metadata: expect.objectContaining({
        compression: 'stored',
        'sample-ratio': expect.stringMatching(/^1\.000\d$/),
        'store-above-ratio': '0.98',
      }),
    });
    expect(result.output).toMatchObject({
      compression: 'stored',
      storeAboveRatio: 0.98,
      sourceAction: 'deleted',
    });
    expect(result.output!.sampleRatio).toBeGreaterThan(0.98);
  });

  it('writes zstd as .zst with application/zstd at ZSTD_LEVEL', async () => {
    // Prepare
    givenS3();
    const zstArchive = 'processed/reports/q1.csv.zst';
    s3Mock.on(HeadObjectCommand, { Key: zstArchive }).callsFake(() => writtenArchive());

    // Act
    const result = await compressObject(
      s3,
      ref,
      parseConfig(CompressConfigSchema, { FORMAT: 'zstd', ZSTD_LEVEL: '5' }),
      fakeLogger().asLogger,
    );

    // Assess
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Key: zstArchive,
      ContentType: 'application/zstd',
      Metadata: expect.objectContaining({ format: 'zstd', level: '5', compression: 'zstd' }),
    });
    const body = Buffer.from(
      s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Uint8Array,
    );
    // The zstd frame magic number, 0xFD2FB528 little-endian (RFC 8878).
    expect(body.subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    expect(result.output).toMatchObject({ format: 'zstd', level: 5, compression: 'zstd' });
  });

  it('refuses up front an object it cannot finish before the timeout, naming size, rate and time', async () => {
    // Prepare: 64 KiB at 0.01 MB/s per vCPU, on one vCPU, is about 7 s; 3 s are left.
    givenS3();
    const slow = parseConfig(CompressConfigSchema, {
      MIN_MB_PER_SECOND_PER_VCPU: '0.01',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
    });
    const logger = fakeLogger().asLogger;
    const definition = compressPipeline(slow, logger);
    const context = createProcessContext({
      s3,
      logger,
      processor: definition.processor,
      lambda: { getRemainingTimeInMillis: () => 3_000 },
    });

    // Act
    const compressing = processObject(definition, ref, context);

    // Assess
    await expect(compressing).rejects.toMatchObject({
      name: 'WouldTimeOutError',
      retryable: false,
      message:
        `${SOURCE} is ${BYTES.length} bytes: at 0.01 MB/s it needs 7 s, but the invocation ` +
        'times out in 3 s (raise the memory or the timeout, or lower MIN_MB_PER_SECOND_PER_VCPU)',
    });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('compresses what it can finish in the time left', async () => {
    // Prepare: the same object with 10 s left.
    givenS3();
    const slow = parseConfig(CompressConfigSchema, {
      MIN_MB_PER_SECOND_PER_VCPU: '0.01',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1769',
    });
    const logger = fakeLogger().asLogger;
    const definition = compressPipeline(slow, logger);
    const context = createProcessContext({
      s3,
      logger,
      processor: definition.processor,
      lambda: { getRemainingTimeInMillis: () => 10_000 },
    });

    // Act
    const result = await processObject(definition, ref, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'processed', output: { sourceAction: 'deleted' } });
  });
});
