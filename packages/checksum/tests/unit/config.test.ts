import { ConfigError, parseConfig } from '@s3-pipelines/s3-stream';
import { ChecksumConfigSchema } from '../../src/config';

describe('ChecksumConfigSchema', () => {
  it('has defaults for every variable', () => {
    // Act
    const config = parseConfig(ChecksumConfigSchema, {});

    // Assess
    expect(config).toEqual({
      TRIGGER_PREFIX: '',
      TRIGGER_SUFFIX: '',
      EXTRA_ALGORITHMS: [],
      READ_CONCURRENCY: 4,
      RANGE_SIZE_MB: 8,
      MIN_MB_PER_SECOND: 50,
    });
  });

  it('reads a comma-separated algorithm list, ignoring case and spaces', () => {
    // Act
    const config = parseConfig(ChecksumConfigSchema, { EXTRA_ALGORITHMS: 'sha256, SHA1' });

    // Assess
    expect(config.EXTRA_ALGORITHMS).toEqual(['sha256', 'sha1']);
  });

  it('treats an empty list as no extra algorithms', () => {
    // Act
    const config = parseConfig(ChecksumConfigSchema, { EXTRA_ALGORITHMS: ' , ' });

    // Assess
    expect(config.EXTRA_ALGORITHMS).toEqual([]);
  });

  it('rejects an unknown algorithm, naming the variable', () => {
    // Act
    const act = (): unknown => parseConfig(ChecksumConfigSchema, { EXTRA_ALGORITHMS: 'md4' });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/EXTRA_ALGORITHMS/);
  });

  it('reads numbers from strings', () => {
    // Act
    const config = parseConfig(ChecksumConfigSchema, {
      READ_CONCURRENCY: '8',
      RANGE_SIZE_MB: '16',
    });

    // Assess
    expect(config).toMatchObject({ READ_CONCURRENCY: 8, RANGE_SIZE_MB: 16 });
  });

  it.each([
    ['READ_CONCURRENCY', '0'],
    ['READ_CONCURRENCY', '33'],
    ['READ_CONCURRENCY', 'four'],
    ['RANGE_SIZE_MB', '0'],
    ['RANGE_SIZE_MB', '1.5'],
  ])('rejects %s=%j, naming the variable', (name, value) => {
    // Act
    const act = (): unknown => parseConfig(ChecksumConfigSchema, { [name]: value });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`^Invalid configuration: ${name}: `));
  });
});
