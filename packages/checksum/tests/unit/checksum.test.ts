import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { WouldTimeOutError, type Logger, type ObjectRef } from '@s3-pipelines/s3-stream';
import type { ChecksumConfig } from '../../src/config';
import { checksumPipeline } from '../../src/pipeline';
import {
  bodyOf,
  fakeLogger,
  runPipeline,
  s3Error,
  sampleBytes,
  digestWithTool,
  coreutilsLine,
  tricklingBody,
} from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const BYTES = sampleBytes(1024);
const MD5 = digestWithTool('md5sum', BYTES);
const SHA256 = digestWithTool('sha256sum', BYTES);
const SHA1 = digestWithTool('sha1sum', BYTES);
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';

const config: ChecksumConfig = {
  TRIGGER_PREFIX: '',
  TRIGGER_SUFFIX: '',
  EXTRA_ALGORITHMS: ['sha256'],
  READ_CONCURRENCY: 4,
  RANGE_SIZE_MB: 8,
  MIN_MB_PER_SECOND: 50,
};

const ref: ObjectRef = {
  bucket: 'mybucket',
  key: 'photos/HappyFace.jpg',
  size: 1024,
  eTag: MD5,
  versionId: VERSION,
};
const unversionedRef: ObjectRef = {
  bucket: 'mybucket',
  key: 'photos/HappyFace.jpg',
  size: 1024,
  eTag: MD5,
};

/** The source as S3 would serve it, with no sidecar yet. */
function givenSource(
  options: { versionId?: string; metadata?: Record<string, string> } = {},
): void {
  const versionId = 'versionId' in options ? options.versionId : VERSION;
  s3Mock
    .on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg.md5' })
    .rejects(s3Error('NotFound', 404))
    .on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg' })
    .resolves({ ETag: `"${MD5}"`, VersionId: versionId, ContentLength: BYTES.length })
    .on(GetObjectCommand)
    .callsFake(() => ({
      ETag: `"${MD5}"`,
      VersionId: versionId,
      ContentLength: BYTES.length,
      Metadata: options.metadata ?? {},
      Body: bodyOf(BYTES, 100),
    }))
    .on(PutObjectCommand)
    .resolves({ ETag: '"sidecar"' });
}

function putBody(): string {
  const body = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body;
  return Buffer.from(body as Uint8Array | string).toString('utf8');
}

/** checksum as its handler runs it: the skip rules, then the core. */
function checksumObject(
  client: S3Client,
  object: ObjectRef,
  settings: ChecksumConfig,
  logger: Logger = fakeLogger().asLogger,
  remainingMs?: number,
) {
  return runPipeline(checksumPipeline(settings, logger), client, object, { remainingMs });
}

describe('checksum', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('writes a sidecar whose body is what md5sum prints for the same bytes', async () => {
    // Prepare
    givenSource();
    const logger = fakeLogger();

    // Act
    const result = await checksumObject(s3, ref, config, logger.asLogger);

    // Assess
    expect(putBody()).toBe(coreutilsLine('md5sum', 'HappyFace.jpg', BYTES));
    expect(result).toEqual({
      outcome: 'processed',
      bytes: 1024,
      output: { sidecar: 'photos/HappyFace.jpg.md5', md5: MD5, sha256: SHA256 },
    });
  });

  it('puts the sidecar beside the source with metadata naming the source version', async () => {
    // Prepare
    givenSource();

    // Act
    await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'mybucket',
      Key: 'photos/HappyFace.jpg.md5',
      ContentType: 'text/plain; charset=utf-8',
      Metadata: {
        'source-bucket': 'mybucket',
        'source-key': 'photos%2FHappyFace.jpg',
        'source-etag': MD5,
        'source-version-id': VERSION,
        processor: 'checksum',
        md5: MD5,
        sha256: SHA256,
      },
    });
  });

  it('reads the version the event named', async () => {
    // Prepare
    givenSource();

    // Act
    await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
      Bucket: 'mybucket',
      Key: 'photos/HappyFace.jpg',
      VersionId: VERSION,
    });
  });

  it('computes every configured algorithm in the same pass', async () => {
    // Prepare
    givenSource();

    // Act
    const result = await checksumObject(
      s3,
      ref,
      { ...config, EXTRA_ALGORITHMS: ['sha1', 'sha256'] },
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.output).toMatchObject({ md5: MD5, sha1: SHA1, sha256: SHA256 });
    expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
  });

  it('writes md5 only when no extra algorithm is configured', async () => {
    // Prepare
    givenSource({ versionId: undefined });

    // Act
    await checksumObject(
      s3,
      unversionedRef,
      { ...config, EXTRA_ALGORITHMS: [] },
      fakeLogger().asLogger,
    );

    // Assess
    const metadata = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Metadata;
    expect(metadata).toEqual({
      'source-bucket': 'mybucket',
      'source-key': 'photos%2FHappyFace.jpg',
      'source-etag': MD5,
      processor: 'checksum',
      md5: MD5,
    });
  });

  it('skips as already-done when the sidecar says it was made from this version, without a GET', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg.md5' }).resolves({
      Metadata: { 'source-version-id': VERSION, 'source-etag': MD5, processor: 'checksum' },
    });

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-done' });
    expect(s3Mock).not.toReceiveCommand(GetObjectCommand);
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('skips as already-done on an unversioned bucket when the sidecar names the same ETag', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg.md5' }).resolves({
      Metadata: { 'source-etag': MD5, processor: 'checksum' },
    });

    // Act
    const result = await checksumObject(s3, unversionedRef, config, fakeLogger().asLogger);

    // Assess
    expect(result.reason).toBe('already-done');
    expect(s3Mock).not.toReceiveCommand(GetObjectCommand);
  });

  it('rewrites a sidecar made from an older version', async () => {
    // Prepare
    givenSource();
    s3Mock.on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg.md5' }).resolves({
      Metadata: { 'source-version-id': 'older', 'source-etag': 'x', processor: 'checksum' },
    });

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.outcome).toBe('processed');
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
  });

  it('skips as superseded when the key changed while it was read, without writing', async () => {
    // Prepare
    givenSource({ versionId: undefined });
    s3Mock
      .on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg' })
      .resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });

    // Act
    const result = await checksumObject(s3, unversionedRef, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'superseded', bytes: 1024 });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('skips as superseded when a newer version is current, without writing', async () => {
    // Prepare
    givenSource();
    s3Mock
      .on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg' })
      .resolves({ ETag: `"${MD5}"`, VersionId: 'newer-version' });

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.reason).toBe('superseded');
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('skips as superseded when the key was deleted while it was read', async () => {
    // Prepare
    givenSource();
    s3Mock.on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg' }).rejects(s3Error('NotFound', 404));

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.reason).toBe('superseded');
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('skips a folder marker without any S3 call', async () => {
    // Act
    const result = await checksumObject(
      s3,
      { bucket: 'mybucket', key: 'dir/', size: 0 },
      config,
      fakeLogger().asLogger,
    );

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'folder-marker' });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('skips its own output, recognised by its metadata, without writing', async () => {
    // Prepare
    givenSource({ metadata: { processor: 'checksum', 'source-etag': 'x' } });

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'own-output' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('releases the GET response when it skips its own output', async () => {
    // Prepare
    const sdkBody = bodyOf(BYTES, 100);
    givenSource();
    s3Mock.on(GetObjectCommand).resolves({
      ETag: `"${MD5}"`,
      VersionId: VERSION,
      ContentLength: BYTES.length,
      Metadata: { processor: 'checksum' },
      Body: sdkBody,
    });

    // Act
    const result = await checksumObject(s3, ref, config, fakeLogger().asLogger);
    await new Promise((resolve) => setTimeout(resolve, 10));

    // Assess
    expect(result.reason).toBe('own-output');
    expect(sdkBody.destroyed).toBe(true);
  });

  it('hashes an object of many ranges read in parallel, every byte once and in order', async () => {
    // Prepare: 5 ranges of 1 MiB and a bit, through more ranges than the reader keeps slabs.
    // The first GET trickles, so that the reader waits for it and fans out to ranged GETs.
    const bytes = sampleBytes(5 * 1024 * 1024 + 17);
    const big: ObjectRef = { ...ref, size: bytes.length, eTag: 'big0000000000000000000000000000' };
    givenSource();
    s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
      const [, from, to] = input.Range
        ? /^bytes=(\d+)-(\d+)$/.exec(input.Range)!.map(Number)
        : [0, 0, bytes.length - 1];
      const end = Math.min(to!, bytes.length - 1);
      const part = bytes.subarray(from, end + 1);
      return {
        ETag: `"${big.eTag}"`,
        VersionId: VERSION,
        ContentLength: end - from! + 1,
        ...(input.Range ? { ContentRange: `bytes ${from}-${end}/${bytes.length}` } : {}),
        Metadata: {},
        Body: input.Range ? bodyOf(part, 64 * 1024) : tricklingBody(part, 64 * 1024, 5),
      };
    });
    s3Mock
      .on(HeadObjectCommand, { Key: 'photos/HappyFace.jpg' })
      .resolves({ ETag: `"${big.eTag}"`, VersionId: VERSION, ContentLength: bytes.length });

    // Act
    const result = await checksumObject(
      s3,
      big,
      { ...config, READ_CONCURRENCY: 2, RANGE_SIZE_MB: 1 },
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.output).toMatchObject({
      md5: digestWithTool('md5sum', bytes),
      sha256: digestWithTool('sha256sum', bytes),
    });
    expect(result.bytes).toBe(bytes.length);
    // The first GET, cut at a MiB boundary, and one ranged GET for each MiB after it.
    const gets = s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range);
    const cut = 1024 * 1024 * (7 - gets.length);
    expect(gets[0]).toBeUndefined();
    expect(gets.slice(1)).toEqual(
      Array.from({ length: gets.length - 1 }, (_, i) => {
        const from = cut + i * 1024 * 1024;
        return `bytes=${from}-${Math.min(from + 1024 * 1024, bytes.length) - 1}`;
      }),
    );
    expect(gets.length).toBeGreaterThan(1);
  });

  it('checksums an empty object', async () => {
    // Prepare
    const empty = Buffer.alloc(0);
    s3Mock
      .on(HeadObjectCommand, { Key: 'empty.txt.md5' })
      .rejects(s3Error('NotFound', 404))
      .on(HeadObjectCommand, { Key: 'empty.txt' })
      .resolves({ ETag: '"d41d8cd98f00b204e9800998ecf8427e"' })
      .on(GetObjectCommand)
      .resolves({
        ETag: '"d41d8cd98f00b204e9800998ecf8427e"',
        ContentLength: 0,
        Body: bodyOf(empty),
      })
      .on(PutObjectCommand)
      .resolves({});

    // Act
    const result = await checksumObject(
      s3,
      { bucket: 'b', key: 'empty.txt', size: 0, eTag: 'd41d8cd98f00b204e9800998ecf8427e' },
      config,
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.outcome).toBe('processed');
    expect(putBody()).toBe(coreutilsLine('md5sum', 'empty.txt', empty));
  });

  it('lets an object that is gone surface as ObjectGoneError', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .rejects(s3Error('NotFound', 404))
      .on(GetObjectCommand)
      .rejects(s3Error('NoSuchVersion', 404));

    // Act
    const checking = checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    await expect(checking).rejects.toThrow(
      'photos/HappyFace.jpg was deleted before it could be read',
    );
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('fails permanently when the sidecar cannot be written for lack of permission', async () => {
    // Prepare
    givenSource();
    s3Mock.on(PutObjectCommand).rejects(s3Error('AccessDenied', 403));

    // Act
    const checking = checksumObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    await expect(checking).rejects.toMatchObject({ name: 'PermanentError', retryable: false });
  });

  describe('an object it could not finish before the timeout', () => {
    // 1024 bytes at 50 MB/s take 20.48 µs; 0.01 ms left is less than that.
    const TOO_LITTLE_MS = 0.01;

    it('is refused by its event size before any GET, naming the size, rate and time left', async () => {
      // Prepare
      givenSource();

      // Act
      const checking = checksumObject(s3, ref, config, fakeLogger().asLogger, TOO_LITTLE_MS);

      // Assess
      await expect(checking).rejects.toBeInstanceOf(WouldTimeOutError);
      await expect(checking).rejects.toMatchObject({
        retryable: false,
        message: expect.stringMatching(/1024 bytes: at 50 MB\/s .* times out in 0 s/),
      });
      expect(s3Mock).not.toReceiveCommand(GetObjectCommand);
      expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    });

    it('is refused by the size S3 gives when the task named none, its GET released', async () => {
      // Prepare: a Batch task carries no size.
      const body = bodyOf(BYTES, 100);
      givenSource();
      s3Mock.on(GetObjectCommand).resolves({
        ETag: `"${MD5}"`,
        VersionId: VERSION,
        ContentLength: BYTES.length,
        Body: body,
      });
      const sizeless: ObjectRef = { ...ref, size: undefined };

      // Act
      const checking = checksumObject(s3, sizeless, config, fakeLogger().asLogger, TOO_LITTLE_MS);

      // Assess
      await expect(checking).rejects.toBeInstanceOf(WouldTimeOutError);
      expect(body.destroyed).toBe(true);
      expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    });

    it('is hashed when the time left is enough at the rate, or the check is off', async () => {
      // Prepare
      givenSource();

      // Act
      const enough = await checksumObject(s3, ref, config, fakeLogger().asLogger, 60_000);
      const unchecked = await checksumObject(
        s3,
        ref,
        { ...config, MIN_MB_PER_SECOND: 0 },
        fakeLogger().asLogger,
        TOO_LITTLE_MS,
      );

      // Assess
      expect(enough.outcome).toBe('processed');
      expect(unchecked.outcome).toBe('processed');
    });
  });
});
