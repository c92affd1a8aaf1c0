import { z } from 'zod';
import { envFlag, envList, parseConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

const schema = z.object({
  OUTPUT_BUCKET: z.string().min(1),
  PART_SIZE_MB: z.coerce.number().int().min(5).default(8),
});

describe('parseConfig', () => {
  it('returns the parsed values with defaults applied', () => {
    // Act
    const config = parseConfig(schema, { OUTPUT_BUCKET: 'out' });

    // Assess
    expect(config).toEqual({ OUTPUT_BUCKET: 'out', PART_SIZE_MB: 8 });
  });

  it('coerces strings from the environment', () => {
    // Act
    const config = parseConfig(schema, { OUTPUT_BUCKET: 'out', PART_SIZE_MB: '16' });

    // Assess
    expect(config.PART_SIZE_MB).toBe(16);
  });

  it('fails with a ConfigError naming the bad variable', () => {
    // Act
    const act = (): unknown => parseConfig(schema, { OUTPUT_BUCKET: 'out', PART_SIZE_MB: '2' });

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/^Invalid configuration: PART_SIZE_MB: /);
  });

  it('names every bad variable at once', () => {
    // Act
    let thrown: unknown;
    try {
      parseConfig(schema, { PART_SIZE_MB: 'lots' });
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).retryable).toBe(false);
    expect((thrown as ConfigError).message).toContain('OUTPUT_BUCKET: ');
    expect((thrown as ConfigError).message).toContain('PART_SIZE_MB: ');
  });

  it('reads process.env by default', () => {
    // Prepare
    const name = 'S3_STREAM_UNIT_TEST_VALUE';
    process.env[name] = 'from-env';

    // Act
    const config = parseConfig(z.object({ [name]: z.string() }));
    delete process.env[name];

    // Assess
    expect(config).toEqual({ [name]: 'from-env' });
  });
});

describe('envFlag', () => {
  it.each([
    ['true', true],
    ['YES', true],
    [' 1 ', true],
    ['false', false],
    ['No', false],
    ['0', false],
  ])('reads %j as %s', (value, expected) => {
    expect(envFlag(false).parse(value)).toBe(expected);
  });

  it('uses the fallback when unset and rejects anything else, naming the variable', () => {
    const schema = z.object({ DELETE_SOURCE: envFlag(true) });

    expect(parseConfig(schema, {})).toEqual({ DELETE_SOURCE: true });
    expect(() => parseConfig(schema, { DELETE_SOURCE: 'maybe' })).toThrow(/DELETE_SOURCE/);
  });
});

describe('envList', () => {
  it('splits, trims and lower-cases, dropping empty entries', () => {
    expect(envList().parse(' SHA256, ,sha1 ')).toEqual(['sha256', 'sha1']);
  });

  it('falls back when unset, and an empty value means none', () => {
    expect(envList('a,b').parse(undefined)).toEqual(['a', 'b']);
    expect(envList('a,b').parse('')).toEqual([]);
  });
});
