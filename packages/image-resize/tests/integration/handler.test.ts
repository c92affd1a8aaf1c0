import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startEmulator, type Emulator } from '@s3-pipelines/local-stack';
import {
  s3PutEvent,
  createBucket,
  testClient,
  upload,
  brandOf,
  heicFrom,
  identify,
  pixelAt,
} from '@s3-pipelines/testing';
import {
  animatedGif,
  convert,
  halfTransparentPng,
  photo,
  pngClaiming,
  sidewaysJpeg,
  solidPngBomb,
} from '@s3-pipelines/testing/images';

// Nine renditions per image through the emulator: a test takes up to ~3 s on an idle 2-core machine.
jest.setTimeout(60_000);

interface Summary {
  processed: number;
  skipped: number;
  failed: number;
  objects: { outcome: string; reason?: string; error?: string; retryable?: boolean }[];
}
type Handler = (event: unknown) => Promise<Summary>;

/**
 * The handler against the S3 emulator with its default settings (320/640/1280 × webp/avif/jpeg),
 * every output judged by ImageMagick, never by sharp.
 */
describe('image-resize handler against the S3 emulator', () => {
  let emulator: Emulator;
  let s3: S3Client;
  let source: string;
  let destination: string;
  let handler: Handler;
  const saved = { ...process.env };

  beforeAll(async () => {
    emulator = await startEmulator();
    s3 = testClient(emulator.endpoint);
    source = await createBucket(s3, 'photos');
    destination = await createBucket(s3, 'renditions');
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      OUTPUT_BUCKET: destination,
      OUTPUT_PREFIX: 'r/',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../src/handler').handler as Handler;
  });
  afterAll(async () => {
    process.env = saved;
    s3?.destroy();
    await emulator?.stop();
  });

  async function put(key: string, bytes: Buffer): Promise<Summary> {
    const eTag = await upload(s3, source, key, bytes);
    return handler(s3PutEvent({ bucket: source, key, size: bytes.length, eTag }));
  }

  async function get(key: string): Promise<Buffer> {
    const got = await s3.send(new GetObjectCommand({ Bucket: destination, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: destination, Prefix: prefix }));
    return (page.Contents ?? []).map((c) => c.Key!).sort();
  }

  it('turns a sideways JPEG into 9 upright renditions, never upscaled, without EXIF orientation', async () => {
    // 800 × 600 stored with orientation 6: 600 × 800 upright.
    const result = await put('trips/sideways.jpg', await sidewaysJpeg(800, 600));

    expect(result).toMatchObject({ processed: 1, failed: 0 });
    expect(await keysUnder('r/trips/sideways/')).toEqual(
      [
        '1280w.avif',
        '1280w.jpg',
        '1280w.webp',
        '320w.avif',
        '320w.jpg',
        '320w.webp',
        '640w.avif',
        '640w.jpg',
        '640w.webp',
        'manifest.json',
      ].map((name) => `r/trips/sideways/${name}`),
    );
    const expected = { 320: [320, 427], 640: [600, 800], 1280: [600, 800] };
    for (const [width, [w, h]] of Object.entries(expected)) {
      const jpeg = identify(await get(`r/trips/sideways/${width}w.jpg`));
      expect(jpeg).toMatchObject({ width: w, height: h, format: 'JPEG', orientation: '' });
      const webp = identify(await get(`r/trips/sideways/${width}w.webp`));
      expect(webp).toMatchObject({ width: w, height: h, format: 'WEBP' });
      const avifBytes = await get(`r/trips/sideways/${width}w.avif`);
      expect(brandOf(avifBytes)).toBe('avif');
      expect(identify(avifBytes)).toMatchObject({ width: w, height: h });
    }
  });

  it('records the source in every rendition and in the manifest', async () => {
    const bytes = await photo(400, 300);
    const eTag = await upload(s3, source, 'meta/cat.jpg', bytes);

    await handler(s3PutEvent({ bucket: source, key: 'meta/cat.jpg', size: bytes.length, eTag }));

    const head = await s3.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'r/meta/cat/320w.webp' }),
    );
    expect(head.ContentType).toBe('image/webp');
    expect(head.Metadata).toEqual({
      'source-bucket': source,
      'source-key': 'meta%2Fcat.jpg',
      'source-etag': eTag,
      processor: 'image-resize',
      width: '320',
      height: '240',
      format: 'webp',
    });
    const manifest = JSON.parse((await get('r/meta/cat/manifest.json')).toString('utf8'));
    expect(manifest.source).toEqual({
      bucket: source,
      key: 'meta/cat.jpg',
      eTag,
      format: 'jpeg',
      width: 400,
      height: 300,
      pages: 1,
    });
    expect(manifest.renditions).toHaveLength(9);
  });

  it('lays a transparent PNG over white for JPEG, and keeps its alpha in WebP', async () => {
    const result = await put('alpha.png', await halfTransparentPng(640, 480));

    expect(result).toMatchObject({ processed: 1 });
    const jpeg = await get('r/alpha/320w.jpg');
    expect(identify(jpeg)).toMatchObject({ width: 320, height: 240, channels: 'srgb' });
    expect(pixelAt(jpeg, 0, 0)).toBe('srgb(255,255,255)');
    const webp = await get('r/alpha/320w.webp');
    expect(identify(webp)).toMatchObject({ channels: 'srgba' });
    expect(pixelAt(webp, 0, 0)).toBe('srgba(0,0,0,0)');
  });

  it('keeps a GIF animated in WebP and takes its first frame for JPEG', async () => {
    const result = await put('anim.gif', await animatedGif(400, 200, 3));

    expect(result).toMatchObject({ processed: 1 });
    expect(identify(await get('r/anim/320w.webp'))).toMatchObject({
      width: 320,
      height: 160,
      format: 'WEBP',
      frames: 3,
    });
    const jpeg = await get('r/anim/320w.jpg');
    expect(identify(jpeg)).toMatchObject({ width: 320, height: 160, frames: 1 });
    expect(pixelAt(jpeg, 10, 10)).toMatch(/^srgb\((2[45]\d),([0-9]|1\d),([0-9]|1\d)\)$/);
  });

  it.each(['png', 'webp', 'avif', 'tiff'] as const)('accepts %s input', async (format) => {
    const result = await put(`formats/in.${format}`, await convert(await photo(480, 360), format));

    expect(result).toMatchObject({ processed: 1, failed: 0 });
    expect(identify(await get('r/formats/in/320w.jpg'))).toMatchObject({
      width: 320,
      height: 240,
      format: 'JPEG',
    });
  });

  it('accepts a .jpg that is really a PNG: the content decides, not the name', async () => {
    const result = await put('liar.jpg', await halfTransparentPng(320, 240));

    expect(result).toMatchObject({ processed: 1 });
    expect(identify(await get('r/liar/320w.jpg'))).toMatchObject({ format: 'JPEG', width: 320 });
  });

  async function expectRecordedFailure(key: string, errorType: string): Promise<void> {
    const stem = key.slice(0, key.lastIndexOf('.'));
    expect(await keysUnder(`r/${stem}`)).toEqual([`r/${key}.error.json`]);
    const marker = JSON.parse((await get(`r/${key}.error.json`)).toString('utf8'));
    expect(marker).toMatchObject({ bucket: source, key, errorType });
    expect(marker.eTag).toMatch(/^[0-9a-f]{32}$/);
  }

  it.each([
    [
      'bad/truncated.jpg',
      async () => (await photo(640, 480)).subarray(0, 20_000),
      'CorruptImageError',
    ],
    ['bad/empty.jpg', async () => Buffer.alloc(0), 'NotAnImageError'],
    ['bad/text.jpg', async () => Buffer.from('plain text\n'), 'NotAnImageError'],
    ['bad/claims.png', async () => pngClaiming(100_000, 100_000), 'ImageTooLargeError'],
    ['bad/iphone.heic', async () => heicFrom(await photo(64, 48)), 'UnsupportedImageError'],
  ])('fails %s permanently, writes only its error marker', async (key, bytes, errorType) => {
    const result = await put(key, await bytes());

    expect(result).toMatchObject({ processed: 0, failed: 1 });
    expect(result.objects[0]).toMatchObject({ outcome: 'failed', retryable: false });
    expect(result.objects[0]!.error).toMatch(new RegExp(`^${key.replace('.', '\\.')} `));
    await expectRecordedFailure(key, errorType);
  });

  it('refuses a real 12000 × 12000 PNG bomb (~140 KB) without decoding it', async () => {
    const bomb = solidPngBomb(12_000, 12_000);
    const rssBefore = process.memoryUsage().rss;

    const result = await put('bad/bomb.png', bomb);

    expect(bomb.length).toBeLessThan(300_000);
    expect(result).toMatchObject({ failed: 1, objects: [{ retryable: false }] });
    expect(result.objects[0]!.error).toContain('144000000 pixels, over the limit of 100000000');
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * 1024 * 1024);
    await expectRecordedFailure('bad/bomb.png', 'ImageTooLargeError');
  });

  it('does nothing the second time the same event arrives', async () => {
    const bytes = await photo(320, 240);
    const eTag = await upload(s3, source, 'twice.jpg', bytes);
    const event = s3PutEvent({ bucket: source, key: 'twice.jpg', size: bytes.length, eTag });
    await handler(event);
    const first = await s3.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'r/twice/320w.avif' }),
    );

    const again = await handler(event);

    expect(again.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'already-done' });
    const second = await s3.send(
      new HeadObjectCommand({ Bucket: destination, Key: 'r/twice/320w.avif' }),
    );
    expect(second.LastModified).toEqual(first.LastModified);
  });

  it('never processes an object in its destination bucket', async () => {
    const result = await handler(
      s3PutEvent({ bucket: destination, key: 'r/twice/320w.jpg', size: 1, eTag: 'abc' }),
    );

    expect(result.objects[0]).toMatchObject({ outcome: 'skipped', reason: 'own-output' });
    expect(await keysUnder('r/r/')).toEqual([]);
  });
});
