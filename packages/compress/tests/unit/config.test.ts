import { ConfigError, parseConfig } from '@s3-pipelines/s3-stream';
import { CompressConfigSchema } from '../../src/config';
import { DEFAULT_COMPRESSED_SUFFIXES, DEFAULT_COMPRESSED_TYPES } from '../../src/constants';

describe('CompressConfigSchema', () => {
  it('has a default for every variable, matching the documented ones', () => {
    // Act
    const config = parseConfig(CompressConfigSchema, {});

    // Assess
    expect(config).toEqual({
      TRIGGER_PREFIX: 'incoming/',
      TRIGGER_SUFFIX: '',
      OUTPUT_BUCKET: '',
      OUTPUT_PREFIX: 'processed/',
      FORMAT: 'zip',
      LEVEL: 6,
      ZSTD_LEVEL: 3,
      WORKERS: 0,
      ENGINE: 'blocks',
      BLOCK_SIZE_KB: 1024,
      STORE_ABOVE_RATIO: 0.98,
      STREAM_CHUNK_KB: 2048,
      MIN_MB_PER_SECOND_PER_VCPU: 10,
      DELETE_SOURCE: true,
      SKIP_COMPRESSED: true,
      COMPRESSED_SUFFIXES: DEFAULT_COMPRESSED_SUFFIXES,
      COMPRESSED_CONTENT_TYPES: DEFAULT_COMPRESSED_TYPES,
      MAX_INPUT_BYTES: 5 * 1024 ** 3,
      READ_CONCURRENCY: 2,
      RANGE_SIZE_MB: 8,
      PART_SIZE_MB: 5,
      UPLOAD_QUEUE_SIZE: 4,
    });
    // Unset outside Lambda, where the CPUs Node sees are counted instead.
    expect(config.AWS_LAMBDA_FUNCTION_MEMORY_SIZE).toBeUndefined();
  });

  it('reads the compression settings', () => {
    // Act
    const config = parseConfig(CompressConfigSchema, {
      FORMAT: 'ZSTD',
      ZSTD_LEVEL: '19',
      WORKERS: '4',
      BLOCK_SIZE_KB: '512',
      STORE_ABOVE_RATIO: '0.9',
      ENGINE: 'Stream',
      STREAM_CHUNK_KB: '16',
      MIN_MB_PER_SECOND_PER_VCPU: '0',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '3538',
    });

    // Assess
    expect(config).toMatchObject({
      FORMAT: 'zstd',
      ZSTD_LEVEL: 19,
      WORKERS: 4,
      BLOCK_SIZE_KB: 512,
      STORE_ABOVE_RATIO: 0.9,
      ENGINE: 'stream',
      STREAM_CHUNK_KB: 16,
      MIN_MB_PER_SECOND_PER_VCPU: 0,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 3538,
    });
  });

  it('reads what Terraform sets for a pipeline', () => {
    // Act
    const config = parseConfig(CompressConfigSchema, {
      OUTPUT_BUCKET: 's3p-dev-archive',
      OUTPUT_PREFIX: 'gz/',
      TRIGGER_PREFIX: 'drop/',
      TRIGGER_SUFFIX: '.csv',
      FORMAT: 'GZIP',
      LEVEL: '9',
      DELETE_SOURCE: 'False',
      SKIP_COMPRESSED: '0',
    });

    // Assess
    expect(config).toMatchObject({
      OUTPUT_BUCKET: 's3p-dev-archive',
      OUTPUT_PREFIX: 'gz/',
      TRIGGER_PREFIX: 'drop/',
      TRIGGER_SUFFIX: '.csv',
      FORMAT: 'gzip',
      LEVEL: 9,
      DELETE_SOURCE: false,
      SKIP_COMPRESSED: false,
    });
  });

  it('keeps an explicitly empty trigger prefix (the whole bucket) instead of the default', () => {
    // Act
    const config = parseConfig(CompressConfigSchema, {
      TRIGGER_PREFIX: '',
      OUTPUT_BUCKET: 'archive',
      OUTPUT_PREFIX: '',
    });

    // Assess
    expect(config).toMatchObject({ TRIGGER_PREFIX: '', OUTPUT_PREFIX: '' });
  });

  it('reads the compressed lists as comma-separated, lower-cased, and an empty value as none', () => {
    // Act
    const config = parseConfig(CompressConfigSchema, {
      COMPRESSED_SUFFIXES: '.ZIP, .jpg ,',
      COMPRESSED_CONTENT_TYPES: '',
    });

    // Assess
    expect(config.COMPRESSED_SUFFIXES).toEqual(['.zip', '.jpg']);
    expect(config.COMPRESSED_CONTENT_TYPES).toEqual([]);
  });

  it.each([
    ['FORMAT', 'bzip2'],
    ['LEVEL', '10'],
    ['LEVEL', '-1'],
    ['LEVEL', 'fast'],
    ['DELETE_SOURCE', 'maybe'],
    ['SKIP_COMPRESSED', 'on'],
    ['READ_CONCURRENCY', '0'],
    ['PART_SIZE_MB', '4'],
    ['UPLOAD_QUEUE_SIZE', '0'],
    ['ZSTD_LEVEL', '0'],
    ['ZSTD_LEVEL', '20'],
    ['WORKERS', '-1'],
    ['BLOCK_SIZE_KB', '32'],
    ['STORE_ABOVE_RATIO', '1.5'],
    ['ENGINE', 'threads'],
    ['MIN_MB_PER_SECOND_PER_VCPU', '-1'],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    // Act
    const act = (): unknown => parseConfig(CompressConfigSchema, { [name]: value });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`^Invalid configuration: ${name}: `));
  });

  it('rejects an empty OUTPUT_PREFIX with no OUTPUT_BUCKET, where archives would mix with sources', () => {
    // Act
    const act = (): unknown => parseConfig(CompressConfigSchema, { OUTPUT_PREFIX: '' });

    // Assess
    expect(act).toThrow(/^Invalid configuration: OUTPUT_PREFIX: must not be empty/);
  });

  it('refuses a MAX_INPUT_BYTES whose archive would not fit in 10,000 parts of PART_SIZE_MB', () => {
    // Arrange: 10,000 parts of 5 MiB hold 50,000 MiB; a stored archive is a little larger than
    // its input.
    const parts = 10_000 * 5 * 1024 * 1024;

    // Act
    const act = (): unknown =>
      parseConfig(CompressConfigSchema, { MAX_INPUT_BYTES: String(parts), PART_SIZE_MB: '5' });
    const fits = parseConfig(CompressConfigSchema, {
      MAX_INPUT_BYTES: String(parts - 64 * 1024 * 1024),
      PART_SIZE_MB: '5',
    });
    const larger = parseConfig(CompressConfigSchema, {
      MAX_INPUT_BYTES: String(parts),
      PART_SIZE_MB: '6',
    });
    // zstd frames of incompressible blocks grow by about 0.4% (ZSTD_compressBound): 64 MiB short
    // of the parts is not room enough for them.
    const zstd = (): unknown =>
      parseConfig(CompressConfigSchema, {
        FORMAT: 'zstd',
        MAX_INPUT_BYTES: String(parts - 64 * 1024 * 1024),
        PART_SIZE_MB: '5',
      });

    // Assess
    expect(act).toThrow(/^Invalid configuration: MAX_INPUT_BYTES: .*10000 parts of PART_SIZE_MB/);
    expect(zstd).toThrow(/^Invalid configuration: MAX_INPUT_BYTES: /);
    expect(fits.MAX_INPUT_BYTES).toBe(parts - 64 * 1024 * 1024);
    expect(larger.PART_SIZE_MB).toBe(6);
  });
});
