import { z } from 'zod';
import { parseConfig } from '../../src/config';
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
