import type { ArchiveDecision, ArchiveOptions } from './archive';
import type { CompressConfig } from './config';
import { vcpus } from '@s3-pipelines/s3-stream';
import { ARCHIVE_METADATA } from './constants';
import { assumedBytesPerSecond, threadsFor } from './timeBudget';

type Settings = Pick<
  CompressConfig,
  | 'FORMAT'
  | 'LEVEL'
  | 'ZSTD_LEVEL'
  | 'ENGINE'
  | 'WORKERS'
  | 'BLOCK_SIZE_KB'
  | 'STORE_ABOVE_RATIO'
  | 'STREAM_CHUNK_KB'
  | 'MIN_MB_PER_SECOND_PER_VCPU'
  | 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'
>;

/** The level the format uses: LEVEL for zip and gzip, ZSTD_LEVEL for zstd. */
export function levelOf(config: Pick<CompressConfig, 'FORMAT' | 'LEVEL' | 'ZSTD_LEVEL'>): number {
  return config.FORMAT === 'zstd' ? config.ZSTD_LEVEL : config.LEVEL;
}

/** The metadata that records a decision (written with the archive, checked before a delete). */
export function decisionMetadata(decision: ArchiveDecision): Record<string, string> {
  return {
    [ARCHIVE_METADATA.compression]: decision.compression,
    ...(decision.sampleRatio === undefined
      ? {}
      : { [ARCHIVE_METADATA.sampleRatio]: decision.sampleRatio.toFixed(4) }),
    ...(decision.storeAboveRatio === undefined
      ? {}
      : { [ARCHIVE_METADATA.storeAboveRatio]: String(decision.storeAboveRatio) }),
  };
}

/**
 * How the core's config becomes archive options for one object: the threads its vCPUs allow,
 * the time budget (`remainingMs` of the invocation), and the decision written into `metadata`.
 * The decision is made before the first archive byte, so the upload, which reads the metadata
 * when it starts (CreateMultipartUpload, or the single PUT), carries it.
 */
export function archiveOptions(
  config: Settings,
  object: { key: string },
  remainingMs: number,
  metadata: Record<string, string>,
): ArchiveOptions {
  const cpus = vcpus(config.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  const streamed = config.FORMAT !== 'zstd' && config.ENGINE === 'stream';
  const workers = streamed ? 1 : threadsFor(config.WORKERS, cpus);
  return {
    format: config.FORMAT,
    level: levelOf(config),
    engine: config.ENGINE,
    workers,
    cpus,
    blockSize: config.BLOCK_SIZE_KB * 1024,
    storeAboveRatio: config.STORE_ABOVE_RATIO,
    chunkSize: config.STREAM_CHUNK_KB * 1024,
    budget: {
      key: object.key,
      remainingMs,
      bytesPerSecond: assumedBytesPerSecond(config.MIN_MB_PER_SECOND_PER_VCPU, workers, cpus),
      hint: 'raise the memory or the timeout, or lower MIN_MB_PER_SECOND_PER_VCPU',
    },
    onDecision: (decision) => Object.assign(metadata, decisionMetadata(decision)),
  };
}
