import { ConfigError, parseConfig } from '@s3-pipelines/s3-stream';
import { ImageResizeConfigSchema } from '../../src/config';

const BUCKET = { OUTPUT_BUCKET: 'renditions' };

describe('ImageResizeConfigSchema', () => {
  it('has a default for every setting but the output bucket', () => {
    // Act
    const config = parseConfig(ImageResizeConfigSchema, BUCKET);

    // Assess
    expect(config).toEqual({
      OUTPUT_BUCKET: 'renditions',
      OUTPUT_PREFIX: '',
      TRIGGER_PREFIX: '',
      TRIGGER_SUFFIX: '',
      WIDTHS: [{ width: 320 }, { width: 640 }, { width: 1280 }],
      FORMATS: ['webp', 'avif', 'jpeg'],
      QUALITY: 80,
      AVIF_EFFORT: 3,
      FIT: 'cover',
      NO_UPSCALE: true,
      MAX_INPUT_PIXELS: 100_000_000,
      MAX_INPUT_BYTES: 50 * 1024 * 1024,
      BACKGROUND: '#ffffff',
      KEEP_METADATA: false,
      ANIMATED: true,
    });
  });

  it('fails the cold start without OUTPUT_BUCKET, naming it', () => {
    // Act
    const act = (): unknown => parseConfig(ImageResizeConfigSchema, {});

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/^Invalid configuration: OUTPUT_BUCKET: /);
  });

  it('reads widths and boxes, ignoring spaces', () => {
    // Act
    const config = parseConfig(ImageResizeConfigSchema, {
      ...BUCKET,
      WIDTHS: ' 200x200, 800 ,1600',
    });

    // Assess
    expect(config.WIDTHS).toEqual([{ width: 200, height: 200 }, { width: 800 }, { width: 1600 }]);
  });

  it('reads formats in any case, jpg meaning jpeg, without duplicates', () => {
    // Act
    const config = parseConfig(ImageResizeConfigSchema, {
      ...BUCKET,
      FORMATS: 'AVIF, jpg,jpeg,png',
    });

    // Assess
    expect(config.FORMATS).toEqual(['avif', 'jpeg', 'png']);
  });

  it('reads numbers, flags, fit and colour from strings', () => {
    // Act
    const config = parseConfig(ImageResizeConfigSchema, {
      ...BUCKET,
      QUALITY: '65',
      AVIF_EFFORT: '0',
      FIT: 'Contain',
      NO_UPSCALE: 'false',
      MAX_INPUT_PIXELS: '25e6',
      MAX_INPUT_BYTES: '1048576',
      BACKGROUND: '#0a0B0c',
      KEEP_METADATA: 'yes',
      ANIMATED: '0',
    });

    // Assess
    expect(config).toMatchObject({
      QUALITY: 65,
      AVIF_EFFORT: 0,
      FIT: 'contain',
      NO_UPSCALE: false,
      MAX_INPUT_PIXELS: 25_000_000,
      MAX_INPUT_BYTES: 1_048_576,
      BACKGROUND: '#0a0B0c',
      KEEP_METADATA: true,
      ANIMATED: false,
    });
  });

  it.each([
    ['WIDTHS', ''],
    ['WIDTHS', '0'],
    ['WIDTHS', '640,,abc'],
    ['WIDTHS', '9000'],
    ['WIDTHS', '200x0'],
    ['WIDTHS', '640,640'],
    ['WIDTHS', '-320'],
    ['FORMATS', 'gif'],
    ['FORMATS', ' , '],
    ['QUALITY', '0'],
    ['QUALITY', '101'],
    ['AVIF_EFFORT', '10'],
    ['FIT', 'crop'],
    ['NO_UPSCALE', 'maybe'],
    ['MAX_INPUT_PIXELS', '0'],
    ['MAX_INPUT_BYTES', '1.5'],
    ['BACKGROUND', 'white'],
    ['BACKGROUND', '#12345'],
    ['KEEP_METADATA', 'on'],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    // Act
    const act = (): unknown => parseConfig(ImageResizeConfigSchema, { ...BUCKET, [name]: value });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`^Invalid configuration: ${name}(\\.\\d+)*(\\.\\w+)?: `));
  });
});
