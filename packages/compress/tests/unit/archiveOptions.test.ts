import { availableParallelism } from 'node:os';
import { parseConfig } from '@s3-pipelines/s3-stream';
import { archiveOptions, decisionMetadata, levelOf } from '../../src/archiveOptions';
import { CompressConfigSchema } from '../../src/config';

const config = (env: Record<string, string> = {}) => parseConfig(CompressConfigSchema, env);

describe('archiveOptions', () => {
  it('maps the defaults: blocks engine, 1 MiB blocks, store above 0.98, level 6', () => {
    // Act
    const options = archiveOptions(config(), { key: 'k' }, 60_000, {});

    // Assess
    expect(options).toMatchObject({
      format: 'zip',
      level: 6,
      engine: 'blocks',
      blockSize: 1024 * 1024,
      storeAboveRatio: 0.98,
      chunkSize: 2 * 1024 * 1024,
      budget: { key: 'k', remainingMs: 60_000 },
    });
  });

  it.each([
    [512, 1],
    [1769, 1],
    [3538, 2],
  ])('in Lambda at %i MB starts %i thread(s), counting on 10 MB/s per vCPU', (memory, workers) => {
    // Prepare: no more threads than this machine has CPUs.
    const threads = Math.min(workers, availableParallelism());

    // Act
    const options = archiveOptions(
      config({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory) }),
      { key: 'k' },
      1,
      {},
    );

    // Assess
    expect(options.workers).toBe(threads);
    expect(options.budget!.bytesPerSecond).toBeCloseTo(10e6 * Math.min(threads, memory / 1769), 0);
  });

  it('uses one thread for ENGINE=stream, and ZSTD_LEVEL for zstd', () => {
    // Assess
    expect(archiveOptions(config({ ENGINE: 'stream' }), { key: 'k' }, 1, {})).toMatchObject({
      engine: 'stream',
      workers: 1,
    });
    expect(
      archiveOptions(config({ FORMAT: 'zstd', ZSTD_LEVEL: '7' }), { key: 'k' }, 1, {}),
    ).toMatchObject({ format: 'zstd', level: 7, blockSize: 1024 * 1024 });
    expect(levelOf(config({ FORMAT: 'gzip', LEVEL: '9', ZSTD_LEVEL: '7' }))).toBe(9);
  });

  it('records the decision in the metadata it was given', () => {
    // Prepare
    const metadata: Record<string, string> = { format: 'zip' };
    const options = archiveOptions(config(), { key: 'k' }, 1, metadata);

    // Act
    options.onDecision!({
      compression: 'stored',
      sampleRatio: 1.0003,
      storeAboveRatio: 0.98,
      workers: 0,
    });

    // Assess
    expect(metadata).toEqual({
      format: 'zip',
      compression: 'stored',
      'sample-ratio': '1.0003',
      'store-above-ratio': '0.98',
    });
  });

  it('writes only what was decided: no sample ratio or threshold when none was given', () => {
    // Assess
    expect(decisionMetadata({ compression: 'zstd', workers: 2 })).toEqual({ compression: 'zstd' });
  });
});
