import { checkTimeBudget, type TimeBudget } from '@s3-pipelines/s3-stream';
import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { blockArchive } from './blockArchive';
import { COMPRESSOR_CHUNK_SIZE, type Compression, type Engine, type Format } from './constants';
import { SourceSizeError } from './errors';
import { generatorStream } from './generatorStream';
import { coalescingMeter, meter } from './meters';
import { streamArchive } from './streamArchive';

/** The one file an archive holds. */
export interface ArchiveEntry {
  /** Entry name inside a zip (see entryName); gzip and zstd store no name. */
  name: string;
  /** Exact byte count of the source: checked, and Zip64 is decided from it up front. */
  size: number;
  mtime: Date;
}

/** How the archive is made; see config.ts for what each setting means. */
export interface ArchiveOptions {
  format: Format;
  /** zlib level (zip, gzip) or zstd level. */
  level: number;
  /** zip/gzip only; zstd always uses blocks. */
  engine: Engine;
  /** Blocks engine: worker threads at most. */
  workers: number;
  /** The vCPUs counted on (see vcpus): the hash thread's rule reads them. Default the function's. */
  cpus?: number;
  /** Blocks engine: bytes per block (the first is the sample). */
  blockSize: number;
  /** Blocks engine: store the object when its compressed sample is above this out/in. */
  storeAboveRatio: number;
  /** Stream engine: coalesced write and output chunk. */
  chunkSize: number;
  /** When given, an object that cannot be finished in time is refused up front. */
  budget?: TimeBudget;
  /** Told how the object is compressed before the first archive byte is handed out. */
  onDecision?: (decision: ArchiveDecision) => void;
}

export const ARCHIVE_DEFAULTS: Omit<ArchiveOptions, 'format' | 'level'> = {
  engine: 'blocks',
  workers: 2,
  blockSize: 1024 * 1024,
  storeAboveRatio: 0.98,
  chunkSize: COMPRESSOR_CHUNK_SIZE,
};

export interface ArchiveDecision {
  compression: Compression;
  /** Blocks engine: out/in of the deflated sample; undefined when none was taken. */
  sampleRatio?: number;
  /** The threshold the sample was held against (blocks engine). */
  storeAboveRatio?: number;
  /** Threads that compressed: worker threads (blocks; 0 when none were needed), 1 (stream). */
  workers: number;
}

export interface ArchiveStats {
  /** Bytes read from the source. */
  bytesIn: number;
  /** Bytes of archive produced. */
  bytesOut: number;
  /** Hex MD5 of the source bytes. */
  md5: string;
  /** Known before the first archive byte; undefined until then. */
  decision?: ArchiveDecision;
}

export interface ArchiveStream {
  /** The archive's bytes; errors anywhere upstream (source, compressor) surface here. */
  output: Readable;
  /** Counts and MD5 so far; final once `output` has ended. */
  stats(): ArchiveStats;
}

/**
 * Streams `source` through MD5 and a compressor into one archive, with no temp file and memory
 * bounded whatever the object's size:
 *
 * - zip or gzip, ENGINE=blocks (default): blockArchive, deflate on `workers` threads (pigz's
 *   method), or stored when the sample does not shrink;
 * - zip or gzip, ENGINE=stream: streamArchive, one zlib stream (yazl for zip);
 * - zstd: blockArchive, one zstd frame per block on `workers` threads (pzstd's method), or
 *   one frame of raw blocks when the sample does not shrink.
 *
 * The source is hashed (MD5) in order: by the blocks engine on a thread of its own, by the
 * stream engine on this thread. Any failure destroys
 * `output` with the error; destroying `output` (a failed upload) releases the source and stops
 * the compressor's threads. With `budget`, an object that could not be finished in time is
 * refused before anything starts: the source is released and WouldTimeOutError thrown.
 */
export function archiveStream(
  source: Readable,
  entry: ArchiveEntry,
  settings: Pick<ArchiveOptions, 'format' | 'level'> & Partial<ArchiveOptions>,
): ArchiveStream {
  const options: ArchiveOptions = { ...ARCHIVE_DEFAULTS, ...settings };
  if (options.budget) {
    try {
      checkTimeBudget(entry.size, options.budget);
    } catch (error) {
      source.destroy();
      throw error;
    }
  }
  let bytesIn = 0;
  let bytesOut = 0;
  let md5: string | undefined;
  let decision: ArchiveDecision | undefined;
  const decide = (made: ArchiveDecision): void => {
    decision = made;
    options.onDecision?.(made);
  };
  const stats = (): ArchiveStats => ({ bytesIn, bytesOut, md5: md5 ?? '', decision });

  if (options.format === 'zstd' || options.engine === 'blocks') {
    const stop = new AbortController();
    const chunks = blockArchive(
      source,
      entry,
      options,
      {
        input: (chunk) => (bytesIn += chunk.length),
        hashed: (digest) => (md5 = digest),
        decided: (made) => decide({ ...made, storeAboveRatio: options.storeAboveRatio }),
      },
      stop.signal,
    );
    const output = generatorStream(
      chunks,
      (chunk) => (bytesOut += chunk.length),
      // Given up (a failed upload) or failed: the threads stop and the source is released.
      () => {
        stop.abort();
        source.destroy();
      },
    );
    return { output, stats };
  }

  const hash = createHash('md5');
  const input = coalescingMeter(options.chunkSize, (chunk) => {
    hash.update(chunk);
    bytesIn += chunk.length;
  });
  // A short or long source fails the archive before its last byte, so the upload is aborted:
  // an archive that exists is whole (see isCompleteArchiveOf). yazl checks too; zlib does not.
  const hashed = new Promise<string>((resolve) =>
    input.once('end', () => {
      if (bytesIn !== entry.size) fail(new SourceSizeError(bytesIn, entry.size));
      else resolve((md5 = hash.digest('hex')));
    }),
  );
  const output = meter((chunk) => (bytesOut += chunk.length));
  const fail = (error: Error | null | undefined): void => {
    if (!error) return;
    output.destroy(error);
    source.destroy(error);
  };
  pipeline(source, input, fail);
  decide({ compression: options.level > 0 ? 'deflate' : 'stored', workers: 1 });
  const compressed = streamArchive(
    input,
    entry,
    options.format,
    options.level,
    options.chunkSize,
    fail,
    hashed,
  );
  pipeline(compressed, output, fail);
  return { output, stats };
}
