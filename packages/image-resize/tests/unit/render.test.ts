import { parseConfig } from '@s3-pipelines/s3-stream';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ImageResizeConfigSchema, type ImageResizeConfig } from '../../src/config';
import {
  CorruptImageError,
  ImageTooLargeError,
  NotAnImageError,
  UnsupportedImageError,
} from '../../src/errors';
import { baseScale, decodeOnce, inspectImage, renderAll } from '../../src/render';
import type { Rendition } from '../../src/types';
import {
  animatedGif,
  convert,
  halfTransparentPng,
  photo,
  pngClaiming,
  sidewaysJpeg,
  solidPngBomb,
} from '@s3-pipelines/testing/images';

// Encodes AVIF and WebP for real: a test takes up to ~3 s on an idle 2-core machine.
jest.setTimeout(30_000);

const defaults = parseConfig(ImageResizeConfigSchema, { OUTPUT_BUCKET: 'out' });

function configWith(env: Record<string, string>): ImageResizeConfig {
  return parseConfig(ImageResizeConfigSchema, { OUTPUT_BUCKET: 'out', ...env });
}

async function renditionsOf(data: Buffer, config: ImageResizeConfig): Promise<Rendition[]> {
  const source = await inspectImage('test/image', data, config);
  const decoded = await decodeOnce('test/image', data, source, config);
  try {
    const all: Rendition[] = [];
    for await (const rendition of renderAll(decoded, config)) all.push(rendition);
    return all;
  } finally {
    await decoded.dispose();
  }
}

const summary = (r: Rendition) => `${r.size.width}/${r.format} ${r.width}x${r.height}`;

describe('inspectImage', () => {
  it('reads format and size from the header', async () => {
    // Prepare
    const jpeg = await photo(64, 48);

    // Act
    const source = await inspectImage('a.jpg', jpeg, defaults);

    // Assess
    expect(source).toEqual({
      format: 'jpeg',
      width: 64,
      height: 48,
      pages: 1,
      orientation: 1,
      hasAlpha: false,
      rgbProfile: false,
    });
  });

  it('reports the upright size of an image stored sideways (EXIF orientation 6)', async () => {
    // Act
    const source = await inspectImage('a.jpg', await sidewaysJpeg(64, 48), defaults);

    // Assess
    expect(source).toMatchObject({ width: 48, height: 64, orientation: 6 });
  });

  it('sniffs the content: a PNG named .jpg is a PNG', async () => {
    // Act
    const source = await inspectImage('really-a-png.jpg', await halfTransparentPng(8, 8), defaults);

    // Assess
    expect(source).toMatchObject({ format: 'png', hasAlpha: true });
  });

  it.each([
    ['zero bytes', Buffer.alloc(0), NotAnImageError, /is not an image: it is empty/],
    ['text', Buffer.from('hello, world\n'), NotAnImageError, /no decoder recognises/],
    [
      'SVG',
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'),
      UnsupportedImageError,
      /is svg, which image-resize does not accept/,
    ],
  ])('refuses %s as a permanent error', async (_, data, type, message) => {
    // Act
    const inspection = inspectImage('x.jpg', data, defaults);

    // Assess
    await expect(inspection).rejects.toThrow(type);
    await expect(inspection).rejects.toThrow(message);
    await expect(inspection).rejects.toMatchObject({ retryable: false });
  });

  it('refuses a header claiming 100000 × 100000 pixels before decoding anything', async () => {
    // Prepare
    const bomb = pngClaiming(100_000, 100_000);

    // Act
    const inspection = inspectImage('bomb.png', bomb, defaults);

    // Assess
    expect(bomb.length).toBeLessThan(200);
    await expect(inspection).rejects.toThrow(ImageTooLargeError);
    await expect(inspection).rejects.toThrow(
      'bomb.png has 10000000000 pixels, over the limit of 100000000 pixels',
    );
  });

  it('refuses a valid, highly compressed PNG over a lowered pixel limit', async () => {
    // Prepare
    const bomb = solidPngBomb(3000, 3000);

    // Act
    const inspection = inspectImage('solid.png', bomb, configWith({ MAX_INPUT_PIXELS: '1e6' }));

    // Assess
    expect(bomb.length).toBeLessThan(20_000);
    await expect(inspection).rejects.toThrow(ImageTooLargeError);
  });

  it('counts every frame of an animation that will be decoded against the pixel limit', async () => {
    // Prepare
    const gif = await animatedGif(100, 100, 3);
    const limit = configWith({ MAX_INPUT_PIXELS: '25000' });

    // Act
    const animated = inspectImage('a.gif', gif, limit);
    const firstFrameOnly = inspectImage('a.gif', gif, { ...limit, ANIMATED: false });

    // Assess
    await expect(animated).rejects.toThrow('a.gif has 30000 pixels');
    await expect(firstFrameOnly).resolves.toMatchObject({ pages: 3 });
  });
});

describe('baseScale', () => {
  const source = { width: 4000, height: 3000 };

  it('is what the widest rendition needs', () => {
    // Act & Assess
    expect(baseScale(source, [{ width: 320 }, { width: 1280 }], 'cover')).toBe(0.32);
  });

  it('covers a box by its tighter edge, and fits inside it by the looser one', () => {
    // Act & Assess
    expect(baseScale(source, [{ width: 300, height: 300 }], 'cover')).toBe(0.1);
    expect(baseScale(source, [{ width: 300, height: 300 }], 'inside')).toBe(0.075);
  });

  it('never exceeds the source', () => {
    // Act & Assess
    expect(baseScale(source, [{ width: 8000 }], 'cover')).toBe(1);
  });
});

describe('renderAll', () => {
  it('makes every width in every format from one decode, heights following the aspect', async () => {
    // Act
    const all = await renditionsOf(await photo(1600, 1200), defaults);

    // Assess
    expect(all.map(summary)).toEqual([
      '320/webp 320x240',
      '320/avif 320x240',
      '320/jpeg 320x240',
      '640/webp 640x480',
      '640/avif 640x480',
      '640/jpeg 640x480',
      '1280/webp 1280x960',
      '1280/avif 1280x960',
      '1280/jpeg 1280x960',
    ]);
    const formats = await Promise.all(
      all.map(async (r) => (await sharp(r.data).metadata()).format),
    );
    expect(formats).toEqual([
      'webp',
      'heif',
      'jpeg',
      'webp',
      'heif',
      'jpeg',
      'webp',
      'heif',
      'jpeg',
    ]);
  });

  it('renders from the decoded copy alone: the source bytes are not read again', async () => {
    // Prepare
    const jpeg = await photo(800, 600);
    const config = configWith({ WIDTHS: '200,400', FORMATS: 'jpeg' });
    const source = await inspectImage('a.jpg', jpeg, config);
    const decoded = await decodeOnce('a.jpg', jpeg, source, config);

    // Act
    jpeg.fill(0);
    const all: Rendition[] = [];
    for await (const rendition of renderAll(decoded, config)) all.push(rendition);
    await decoded.dispose();

    // Assess
    expect(all.map(summary)).toEqual(['200/jpeg 200x150', '400/jpeg 400x300']);
    expect(decoded.data.length).toBe(0);
  });

  it.each([
    ['a still image', () => photo(800, 600), 'webp,avif,jpeg,png', 'false'],
    ['a still image with KEEP_METADATA', () => photo(800, 600), 'webp,jpeg', 'true'],
    ['an animation', () => animatedGif(40, 20, 3), 'webp,jpeg', 'false'],
  ])('writes nothing to the temporary directory for %s', async (_, make, formats, keep) => {
    // Prepare
    const input = await make();
    const config = configWith({ WIDTHS: '20,200', FORMATS: formats, KEEP_METADATA: keep });
    const tmp = mkdtempSync(join(tmpdir(), 'image-resize-test-'));
    // Anything that asks Node for the temporary directory gets this empty one.
    const redirected = jest.spyOn(os, 'tmpdir').mockReturnValue(tmp);
    try {
      const before = readdirSync(tmp);

      // Act
      const source = await inspectImage('a', input, config);
      const decoded = await decodeOnce('a', input, source, config);
      const all: Rendition[] = [];
      for await (const rendition of renderAll(decoded, config)) all.push(rendition);
      const during = readdirSync(tmp);
      await decoded.dispose();

      // Assess
      expect(all.length).toBe(2 * formats.split(',').length);
      expect(before).toEqual([]);
      expect(during).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      redirected.mockRestore();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('never upscales by default: a smaller source keeps its size', async () => {
    // Act
    const all = await renditionsOf(await photo(400, 300), configWith({ FORMATS: 'jpeg' }));

    // Assess
    expect(all.map(summary)).toEqual(['320/jpeg 320x240', '640/jpeg 400x300', '1280/jpeg 400x300']);
  });

  it('upscales when NO_UPSCALE=false', async () => {
    // Act
    const all = await renditionsOf(
      await photo(400, 300),
      configWith({ FORMATS: 'jpeg', NO_UPSCALE: 'false' }),
    );

    // Assess
    expect(all.map(summary)).toEqual([
      '320/jpeg 320x240',
      '640/jpeg 640x480',
      '1280/jpeg 1280x960',
    ]);
  });

  it('turns an image stored sideways upright', async () => {
    // Act
    const [rendition] = await renditionsOf(
      await sidewaysJpeg(400, 200),
      configWith({ WIDTHS: '100', FORMATS: 'jpeg' }),
    );

    // Assess
    expect(rendition).toMatchObject({ width: 100, height: 200 });
    expect((await sharp(rendition!.data).metadata()).orientation).toBeUndefined();
  });

  it.each([
    ['cover', '200x200'],
    ['contain', '200x200'],
    ['inside', '200x150'],
    ['fill', '200x200'],
  ])('fills a 200x200 box with FIT=%s -> %s', async (fit, size) => {
    // Act
    const [rendition] = await renditionsOf(
      await photo(800, 600),
      configWith({ WIDTHS: '200x200', FORMATS: 'png', FIT: fit }),
    );

    // Assess
    expect(`${rendition!.width}x${rendition!.height}`).toBe(size);
  });

  it('lays transparent pixels over BACKGROUND in JPEG, and keeps alpha in WebP', async () => {
    // Act
    const [webp, jpeg] = await renditionsOf(
      await halfTransparentPng(64, 32),
      configWith({ WIDTHS: '32', FORMATS: 'webp,jpeg', BACKGROUND: '#00ff00' }),
    );

    // Assess
    const pixel = async (data: Buffer) => [
      ...(await sharp(data).extract({ left: 0, top: 0, width: 1, height: 1 }).raw().toBuffer()),
    ];
    expect((await sharp(jpeg!.data).metadata()).hasAlpha).toBe(false);
    const [r, g, b] = await pixel(jpeg!.data);
    expect(r).toBeLessThan(16);
    expect(g).toBeGreaterThan(239);
    expect(b).toBeLessThan(16);
    expect((await sharp(webp!.data).metadata()).hasAlpha).toBe(true);
    expect((await pixel(webp!.data))[3]).toBe(0);
  });

  it('keeps an animation in WebP and takes the first frame for formats without one', async () => {
    // Act
    const [webp, jpeg] = await renditionsOf(
      await animatedGif(40, 20, 3),
      configWith({ WIDTHS: '20', FORMATS: 'webp,jpeg' }),
    );

    // Assess
    expect(webp).toMatchObject({ width: 20, height: 10, pages: 3 });
    const meta = await sharp(webp!.data, { animated: true }).metadata();
    expect(meta).toMatchObject({ pages: 3, pageHeight: 10, delay: [100, 100, 100] });
    expect(jpeg).toMatchObject({ width: 20, height: 10, pages: 1 });
    const [r, g, b] = [...(await sharp(jpeg!.data).raw().toBuffer()).subarray(0, 3)];
    expect([r! > 200, g! < 50, b! < 50]).toEqual([true, true, true]);
  });

  it('takes only the first frame with ANIMATED=false', async () => {
    // Act
    const [webp] = await renditionsOf(
      await animatedGif(40, 20, 3),
      configWith({ WIDTHS: '20', FORMATS: 'webp', ANIMATED: 'false' }),
    );

    // Assess
    expect(webp).toMatchObject({ width: 20, height: 10, pages: 1 });
  });

  it.each(['png', 'webp', 'avif', 'tiff', 'gif'] as const)('accepts %s input', async (format) => {
    // Prepare
    const input = await convert(await photo(160, 120), format);

    // Act
    const all = await renditionsOf(input, configWith({ WIDTHS: '80', FORMATS: 'jpeg' }));

    // Assess
    expect(all.map(summary)).toEqual(['80/jpeg 80x60']);
  });

  it('keeps an RGB colour profile and strips EXIF by default', async () => {
    // Prepare
    const tagged = await sharp(await photo(80, 60))
      .withIccProfile('p3')
      .withExif({ IFD0: { Artist: 'Someone' } })
      .jpeg()
      .toBuffer();

    // Act
    const [kept] = await renditionsOf(tagged, configWith({ WIDTHS: '40', FORMATS: 'jpeg' }));
    const [all] = await renditionsOf(
      tagged,
      configWith({ WIDTHS: '40', FORMATS: 'jpeg', KEEP_METADATA: 'true' }),
    );

    // Assess
    const stripped = await sharp(kept!.data).metadata();
    expect(stripped.icc?.length).toBe((await sharp(tagged).metadata()).icc?.length);
    expect(stripped.exif).toBeUndefined();
    expect((await sharp(all!.data).metadata()).exif?.toString('latin1')).toContain('Someone');
  });

  it('reports a truncated JPEG as corrupt, a permanent error', async () => {
    // Prepare
    const jpeg = await photo(400, 300);
    const truncated = jpeg.subarray(0, jpeg.length >> 1);
    const source = await inspectImage('cut.jpg', truncated, defaults);

    // Act
    const decoding = decodeOnce('cut.jpg', truncated, source, defaults);

    // Assess
    await expect(decoding).rejects.toThrow(CorruptImageError);
    await expect(decoding).rejects.toThrow(/^cut\.jpg could not be decoded: /);
  });
});
