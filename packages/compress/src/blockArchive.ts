import { promisify } from 'node:util';
import { constants, deflateRaw, zstdCompress } from 'node:zlib';
import { inputHasher, waitOnThread } from '@s3-pipelines/s3-stream';
import type { ArchiveEntry } from './archive';
import { BlockSplitter, type Block } from './blockSplitter';
import { deflateBound, deflatedBound, zstdBound } from './bounds';
import { CompressWorkers } from './compressWorkers';
import { DEFLATE_WINDOW, type Compression } from './constants';
import { SourceSizeError } from './errors';
import { gzipHeader, gzipTrailer } from './gzipFrame';
import { storedDeflateBlocks } from './storedDeflate';
import { storeDecision, type StoreDecision } from './storeDecision';
import { localFileHeader, needsZip64, zipComment, zipEnd, type ZipEntry } from './zipFrame';
import { zstdRawBlocks, zstdStoredHeader } from './zstdFrame';

const deflateRawAsync = promisify(deflateRaw);
const zstdCompressAsync = promisify(zstdCompress);

export interface BlockArchiveOptions {
  format: 'zip' | 'gzip' | 'zstd';
  level: number;
  /** Worker threads at most; fewer when the object has fewer blocks. */
  workers: number;
  blockSize: number;
  storeAboveRatio: number;
  /** The vCPUs the function has (see vcpus); decides whether MD5 gets a thread. Default its own. */
  cpus?: number;
}

export interface BlockDecision {
  compression: Compression;
  sampleRatio?: number;
  /** Worker threads started (0: none were needed). */
  workers: number;
}

export interface BlockObserver {
  /** Each piece of the input, in order, before it is compressed (to count it). */
  input(data: Buffer): void;
  /** How the object is compressed, told before the first archive byte. */
  decided(decision: BlockDecision): void;
  /** Hex MD5 of the whole input, told before the last archive byte. */
  hashed(md5: string): void;
}

/** How the chosen format wraps the data: before it, a stored piece of it, after it. */
interface Framing {
  start(compression: Compression): Buffer;
  stored(data: Buffer, last: boolean): Buffer[];
  /** `md5`: hex MD5 of the original, which zip records in its archive comment. */
  end(totals: { crc: number; packed: number; size: number; md5: string }): Buffer;
}

function gzipFraming(level: number): Framing {
  return {
    start: () => gzipHeader(level),
    stored: storedDeflateBlocks,
    end: ({ crc, size }) => gzipTrailer(crc, size),
  };
}

function zipFraming(entry: ArchiveEntry, blockSize: number): Framing {
  let zip: ZipEntry | undefined;
  let dataStart = 0;
  return {
    start(compression) {
      const stored = compression === 'stored';
      const maxPacked = stored ? entry.size : deflatedBound(entry.size, blockSize);
      zip = {
        name: entry.name,
        mtime: entry.mtime,
        method: stored ? 0 : 8,
        zip64: needsZip64(entry.size, maxPacked),
      };
      const header = localFileHeader(zip);
      dataStart = header.length;
      return header;
    },
    stored: (data) => [data],
    end: (totals) => zipEnd(zip!, totals, dataStart, zipComment(totals.md5)),
  };
}

/**
 * zstd frames need no wrapping: concatenated, they are the archive. Stored, the object is one
 * frame of raw blocks (see zstdFrame.ts).
 */
function zstdFraming(entry: ArchiveEntry): Framing {
  return {
    start: (compression) =>
      compression === 'stored' ? zstdStoredHeader(entry.size) : Buffer.alloc(0),
    stored: zstdRawBlocks,
    end: () => Buffer.alloc(0),
  };
}

/**
 * The sample, and any object of one block: compressed on libuv's pool, with no thread to start.
 * The same calls the workers make (see compressWorkers.ts).
 */
function compressHere(format: BlockArchiveOptions['format'], block: Block, level: number) {
  const length = block.data.length;
  if (format === 'zstd') {
    return zstdCompressAsync(block.data, {
      chunkSize: Math.max(64, zstdBound(length)),
      params: {
        [constants.ZSTD_c_compressionLevel]: level,
        [constants.ZSTD_c_checksumFlag]: 1,
      },
    });
  }
  return deflateRawAsync(block.data, {
    level,
    finishFlush: block.last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
    chunkSize: Math.max(64, deflateBound(length)),
  });
}

/**
 * An archive of `source` made the way pigz (zip, gzip) and pzstd (zstd) make theirs: the input
 * is cut into blocks compressed on worker threads and written in input order.
 *
 * zip and gzip: each block is deflated with the 32 KiB before it as its dictionary and ended
 * with a sync flush (the last with Z_FINISH), so the outputs form one deflate stream, framed as
 * one zip entry or one gzip member. The first block is the sample (see storeDecision), deflated
 * here; only if it shrinks enough are the threads started. Otherwise the rest of the object
 * passes through as it comes, stored (no blocks, no copies, no threads but the hash thread).
 * zstd: each block is one zstd frame (content size, checksum); frames concatenated are a zstd
 * stream. The first block is the sample here too: what does not shrink is one frame of raw
 * blocks (see zstdFrame.ts), passed through like a stored zip.
 *
 * MD5 (told to `observer.hashed`) and CRC-32 run over the input in order through the layer's
 * inputHasher: on a hash thread of their own for a large object, here for a small one.
 *
 * Memory: at most 2 × workers blocks are in flight (each thread works on one and has the next
 * queued), and their buffers are recycled, so compression holds about 2 × workers ×
 * (2 × blockSize + 32 KiB) whatever the object's size, and the hash thread at most 8 MiB. The
 * threads stop when this generator ends, fails or is returned early, or when `signal` aborts.
 */
export async function* blockArchive(
  source: AsyncIterable<Buffer | string>,
  entry: ArchiveEntry,
  options: BlockArchiveOptions,
  observer: BlockObserver,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const { format, level, blockSize } = options;
  const framing =
    format === 'zip'
      ? zipFraming(entry, blockSize)
      : format === 'gzip'
        ? gzipFraming(level)
        : zstdFraming(entry);
  const free: Buffer[] = [];
  const splitter = new BlockSplitter(source, {
    blockSize,
    window: DEFLATE_WINDOW,
    take: () => free.pop() ?? Buffer.allocUnsafeSlow(DEFLATE_WINDOW + blockSize),
  });
  const withCrc = format !== 'zstd';
  const hasher = inputHasher({
    algorithms: ['md5'],
    crc32: withCrc,
    size: entry.size,
    signal,
    cpus: options.cpus,
  });
  let size = 0;
  let packed = 0;
  /** Counts and hashes the next piece of the input, in order. */
  const see = async (data: Buffer): Promise<void> => {
    size += data.length;
    if (size > entry.size) throw new SourceSizeError(size, entry.size);
    observer.input(data);
    await hasher.update(data);
  };
  const digest = async (): Promise<{ crc: number; md5: string }> => {
    const { hex, crc } = await hasher.digest();
    observer.hashed(hex.md5!);
    return { crc, md5: hex.md5! };
  };

  let pool: CompressWorkers | undefined;
  try {
    const head = await splitter.next();
    if (!head) {
      if (entry.size !== 0) throw new SourceSizeError(0, entry.size);
      const hashed = await digest();
      observer.decided({ ...storeDecision(level, undefined, options.storeAboveRatio), workers: 0 });
      yield framing.start('stored');
      yield* pieces(framing.stored(Buffer.alloc(0), true));
      yield framing.end({ ...hashed, packed, size });
      return;
    }
    await see(head.data);
    // On libuv's pool: a wait on our own thread, not on the network (see waitOnThread).
    const headOut = level > 0 ? await waitOnThread(compressHere(format, head, level)) : undefined;
    const decision: StoreDecision = storeDecision(
      level,
      headOut && { in: head.data.length, out: headOut.length },
      options.storeAboveRatio,
      format === 'zstd' ? 'zstd' : 'deflate',
    );

    if (decision.compression === 'stored') {
      observer.decided({ ...decision, workers: 0 });
      yield framing.start('stored');
      yield* pieces(framing.stored(head.data, head.last));
      if (!head.last) {
        // The rest needs no blocks: each chunk goes on as it came (gzip: in stored blocks).
        for await (const chunk of splitter.rest()) {
          await see(chunk);
          yield* pieces(framing.stored(chunk, false));
        }
        yield* pieces(framing.stored(Buffer.alloc(0), true));
      }
    } else {
      // Threads start only once the sample says compress: a stored object needs none (starting
      // one costs tens of ms of CPU, and memory for its heap and output buffers).
      const more = Math.ceil((entry.size - head.data.length) / blockSize);
      pool =
        head.last || more <= 0
          ? undefined
          : new CompressWorkers(
              Math.max(1, Math.min(options.workers, more)),
              format === 'zstd' ? 'zstd' : 'deflate',
              level,
              (buffer) => free.push(buffer),
              signal,
            );
      observer.decided({ ...decision, workers: pool?.size ?? 0 });
      const header = framing.start(decision.compression);
      if (header.length > 0) yield header;
      free.push(head.buffer);
      packed += headOut!.length;
      yield headOut!;
      const inFlight: Promise<Buffer>[] = [];
      let done = head.last;
      for (;;) {
        while (pool && !done && inFlight.length < 2 * pool.size) {
          const next = await splitter.next();
          if (!next) break;
          await see(next.data);
          done = next.last;
          const job = pool.compress(next);
          // Awaited in order below; this keeps a failure of a later one from going unhandled.
          job.catch(() => undefined);
          inFlight.push(job);
        }
        const job = inFlight.shift();
        if (!job) break;
        // Waiting on a compression thread is not waiting on the network (see waitOnThread).
        const output = await waitOnThread(job);
        packed += output.length;
        yield output;
      }
      if (!done) {
        // Only when the source runs past its announced size: see() throws on the extra bytes.
        const rest = await splitter.next();
        if (rest) await see(rest.data);
      }
    }
    if (size !== entry.size) throw new SourceSizeError(size, entry.size);
    const end = framing.end({ ...(await digest()), packed, size });
    if (end.length > 0) yield end;
  } finally {
    pool?.close();
    hasher.close();
    await splitter.close();
  }

  /** Yields each non-empty piece, counting it as entry data. */
  function* pieces(list: Buffer[]): Generator<Buffer> {
    for (const piece of list) {
      packed += piece.length;
      if (piece.length > 0) yield piece;
    }
  }
}
