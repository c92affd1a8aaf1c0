import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  InputTooLargeError,
  parseConfig,
  type Logger,
  type ObjectRef,
} from '@s3-pipelines/s3-stream';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { ImageResizeConfigSchema, type ImageResizeConfig } from '../../src/config';
import { CorruptImageError, NotAnImageError } from '../../src/errors';
import { imageResizePipeline } from '../../src/pipeline';
import { bodyOf, fakeLogger, runPipeline, s3Error } from '@s3-pipelines/testing';
import { halfTransparentPng, photo } from '@s3-pipelines/testing/images';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';
const config: ImageResizeConfig = parseConfig(ImageResizeConfigSchema, {
  OUTPUT_BUCKET: 'renditions',
  OUTPUT_PREFIX: 'resized/',
  WIDTHS: '32,64',
  FORMATS: 'webp,jpeg',
});

/** image-resize as its handler runs it: the skip rules, then the core. */
function resizeObject(
  client: S3Client,
  object: ObjectRef,
  settings: ImageResizeConfig,
  logger: Logger = fakeLogger().asLogger,
) {
  return runPipeline(imageResizePipeline(settings, logger), client, object);
}

let JPEG: Buffer;
let ETAG: string;
let ref: ObjectRef;

beforeAll(async () => {
  JPEG = await photo(160, 120);
  ETAG = createHash('md5').update(JPEG).digest('hex');
  ref = {
    bucket: 'photos',
    key: 'trips/HappyFace.jpg',
    size: JPEG.length,
    eTag: ETAG,
    versionId: VERSION,
  };
});

/** The source as S3 would serve it, with nothing written yet. */
function givenSource(bytes: Buffer, metadata: Record<string, string> = {}): void {
  s3Mock
    .on(HeadObjectCommand, { Bucket: 'renditions' })
    .rejects(s3Error('NotFound', 404))
    .on(HeadObjectCommand, { Bucket: 'photos', Key: 'trips/HappyFace.jpg' })
    .resolves({ ETag: `"${ETAG}"`, VersionId: VERSION, ContentLength: bytes.length })
    .on(GetObjectCommand)
    .callsFake(() => ({
      ETag: `"${ETAG}"`,
      VersionId: VERSION,
      ContentLength: bytes.length,
      Metadata: metadata,
      Body: bodyOf(bytes, 4096),
    }))
    .on(PutObjectCommand)
    .resolves({ ETag: '"out"' });
}

function puts(): PutObjectCommandInput[] {
  return s3Mock.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
}

function json(put: PutObjectCommandInput): Record<string, unknown> {
  return JSON.parse(Buffer.from(put.Body as Uint8Array | string).toString('utf8'));
}

const SOURCE_METADATA = {
  'source-bucket': 'photos',
  'source-key': 'trips%2FHappyFace.jpg',
  'source-etag': '',
  'source-version-id': VERSION,
  processor: 'image-resize',
};

describe('resizeObject', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('writes every size × format to the destination bucket, then the manifest', async () => {
    // Prepare
    givenSource(JPEG);

    // Act
    const result = await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(puts().map((p) => `${p.Bucket}/${p.Key} ${p.ContentType}`)).toEqual([
      'renditions/resized/trips/HappyFace/32w.webp image/webp',
      'renditions/resized/trips/HappyFace/32w.jpg image/jpeg',
      'renditions/resized/trips/HappyFace/64w.webp image/webp',
      'renditions/resized/trips/HappyFace/64w.jpg image/jpeg',
      'renditions/resized/trips/HappyFace/manifest.json application/json',
    ]);
    expect(result).toEqual({
      outcome: 'processed',
      bytes: JPEG.length,
      output: {
        manifest: 's3://renditions/resized/trips/HappyFace/manifest.json',
        renditions: 4,
        format: 'jpeg',
        width: 160,
        height: 120,
        pages: 1,
      },
    });
  });

  it('names the source version, size and format in every rendition', async () => {
    // Prepare
    givenSource(JPEG);

    // Act
    await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Key: 'resized/trips/HappyFace/64w.jpg',
      Metadata: {
        ...SOURCE_METADATA,
        'source-etag': ETAG,
        width: '64',
        height: '48',
        format: 'jpeg',
      },
    });
    const body = puts().find((p) => p.Key === 'resized/trips/HappyFace/64w.jpg')!.Body;
    const decoded = await sharp(Buffer.from(body as Uint8Array)).metadata();
    expect(decoded).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
  });

  it('lists every rendition in the manifest, which carries the source metadata too', async () => {
    // Prepare
    givenSource(JPEG);

    // Act
    await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    const manifest = puts().at(-1)!;
    expect(manifest.Metadata).toEqual({ ...SOURCE_METADATA, 'source-etag': ETAG });
    expect(json(manifest)).toEqual({
      source: {
        bucket: 'photos',
        key: 'trips/HappyFace.jpg',
        versionId: VERSION,
        eTag: ETAG,
        format: 'jpeg',
        width: 160,
        height: 120,
        pages: 1,
      },
      renditions: puts()
        .slice(0, -1)
        .map((p) => ({
          key: p.Key,
          format: p.Metadata!.format,
          width: Number(p.Metadata!.width),
          height: Number(p.Metadata!.height),
          pages: 1,
          bytes: (p.Body as Buffer).length,
          contentType: p.ContentType,
        })),
    });
  });

  it('reads the version the event named', async () => {
    // Prepare
    givenSource(JPEG);

    // Act
    await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
      Bucket: 'photos',
      Key: 'trips/HappyFace.jpg',
      VersionId: VERSION,
    });
  });

  it('skips as already-done when the manifest was made from this version, without a GET', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'renditions', Key: 'resized/trips/HappyFace/manifest.json' })
      .resolves({ Metadata: { ...SOURCE_METADATA, 'source-etag': ETAG } });

    // Act
    const result = await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-done' });
    expect(s3Mock).not.toReceiveCommand(GetObjectCommand);
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('redoes a set whose manifest names an older version', async () => {
    // Prepare
    givenSource(JPEG);
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'renditions', Key: 'resized/trips/HappyFace/manifest.json' })
      .resolves({ Metadata: { ...SOURCE_METADATA, 'source-version-id': 'older' } });

    // Act
    const result = await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result.outcome).toBe('processed');
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 5);
  });

  it('skips an object it wrote itself (recursion guard on metadata), writing nothing', async () => {
    // Prepare
    givenSource(JPEG, { processor: 'image-resize' });

    // Act
    const result = await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'own-output' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it.each([
    ['a folder marker', { key: 'trips/' }, 'folder-marker'],
    ['a key outside the trigger', { key: 'docs/readme.txt' }, 'outside-trigger'],
  ])('skips %s without any S3 call', async (_, change, reason) => {
    // Prepare
    const triggered = { ...config, TRIGGER_PREFIX: 'trips/' };

    // Act
    const result = await resizeObject(s3, { ...ref, ...change }, triggered, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('skips as superseded when the key has a newer version, writing nothing', async () => {
    // Prepare
    givenSource(JPEG);
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'photos', Key: 'trips/HappyFace.jpg' })
      .resolves({ ETag: '"newer"', VersionId: 'newer-version' });

    // Act
    const result = await resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'superseded', bytes: JPEG.length });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('accepts a PNG named .jpg (the content decides) and flattens it for JPEG', async () => {
    // Prepare
    const png = await halfTransparentPng(64, 48);
    givenSource(png);

    // Act
    const result = await resizeObject(
      s3,
      { ...ref, size: png.length },
      config,
      fakeLogger().asLogger,
    );

    // Assess
    expect(result.output).toMatchObject({ format: 'png', renditions: 4 });
    const jpeg = puts().find((p) => p.Key === 'resized/trips/HappyFace/32w.jpg')!;
    expect((await sharp(jpeg.Body as Buffer).metadata()).hasAlpha).toBe(false);
  });

  it.each([
    ['a corrupt JPEG', () => JPEG.subarray(0, JPEG.length >> 1), CorruptImageError],
    ['a zero-byte object', () => Buffer.alloc(0), NotAnImageError],
    ['text', () => Buffer.from('not an image\n'), NotAnImageError],
  ])('records %s in an error marker, writes nothing else, and rethrows', async (_, bytes, type) => {
    // Prepare
    givenSource(bytes());

    // Act
    const processing = resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    await expect(processing).rejects.toThrow(type);
    await expect(processing).rejects.toMatchObject({ retryable: false });
    expect(puts().map((p) => `${p.Bucket}/${p.Key}`)).toEqual([
      'renditions/resized/trips/HappyFace.jpg.error.json',
    ]);
    const marker = puts()[0]!;
    expect(marker.Metadata).toEqual({ ...SOURCE_METADATA, 'source-etag': ETAG });
    expect(json(marker)).toEqual({
      bucket: 'photos',
      key: 'trips/HappyFace.jpg',
      versionId: VERSION,
      eTag: ETAG,
      error: expect.stringMatching(/^trips\/HappyFace\.jpg /),
      errorType: type.name,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('refuses an object over MAX_INPUT_BYTES before reading it, and records that', async () => {
    // Prepare
    givenSource(JPEG);

    // Act
    const processing = resizeObject(
      s3,
      ref,
      { ...config, MAX_INPUT_BYTES: 1000 },
      fakeLogger().asLogger,
    );

    // Assess
    await expect(processing).rejects.toThrow(InputTooLargeError);
    expect(json(puts()[0]!)).toMatchObject({
      errorType: 'InputTooLargeError',
      error: `trips/HappyFace.jpg is ${JPEG.length} bytes, over the limit of 1000 bytes`,
    });
    expect(puts()).toHaveLength(1);
  });

  it('writes no marker for a transient S3 failure, which Lambda retries', async () => {
    // Prepare
    givenSource(JPEG);
    s3Mock.on(GetObjectCommand).rejects(s3Error('SlowDown', 503));

    // Act
    const processing = resizeObject(s3, { ...ref }, config, fakeLogger().asLogger);

    // Assess
    await expect(processing).rejects.toMatchObject({ retryable: true });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it('writes no manifest when a rendition upload fails', async () => {
    // Prepare
    givenSource(JPEG);
    s3Mock
      .on(PutObjectCommand, { Key: 'resized/trips/HappyFace/64w.webp' })
      .rejects(s3Error('InternalError', 500));

    // Act
    const processing = resizeObject(s3, ref, config, fakeLogger().asLogger);

    // Assess
    await expect(processing).rejects.toMatchObject({ retryable: true });
    expect(puts().map((p) => p.Key)).not.toContain('resized/trips/HappyFace/manifest.json');
  });
});
