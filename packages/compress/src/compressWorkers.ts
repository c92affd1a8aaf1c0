import { Worker } from 'node:worker_threads';
import type { Block } from './blockSplitter';
import { deflateBound, zstdBound } from './bounds';
import { CompressWorkerError } from './errors';

/**
 * The code each worker thread runs, as a string: the function ships as one esbuild bundle, and
 * a worker started from a file would need a second file in the zip (or would load the whole
 * handler again). It needs nothing but node:zlib.
 *
 * deflate: `data` (a view of the transferred block) primed with `dictionary` (the 32 KiB of
 * input before it), ended with Z_SYNC_FLUSH, which ends the deflate data on a byte boundary
 * without marking it final, or with Z_FINISH for the input's last block. The blocks' outputs
 * concatenated in order are then one valid deflate stream (pigz's method).
 * zstd: `data` as one zstd frame with its content size and checksum. Frames concatenated are a
 * valid zstd stream (pzstd's method; Node 22's zstd stream cannot use libzstd's own threads:
 * with ZSTD_c_nbWorkers it ends its output early).
 *
 * Memory: the output buffer (`chunkSize`, the format's bound for the block, from bounds.ts) is
 * sized so zlib writes all of it at once, then cut to its length
 * with ArrayBuffer.prototype.transfer and moved to the main thread; the block's buffer goes
 * back too. So the thread keeps no dead ArrayBuffers: measured, without this each thread held
 * 40-60 MiB of them until V8 got round to collecting its nearly idle heap.
 */
export const COMPRESS_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { format, level } = workerData;
// Node 22 frees a zstd context only when V8 collects its handle, and this thread's heap, which
// allocates almost nothing, is collected rarely: measured, 100 blocks of 1 MiB held 114 MiB of
// zstd contexts. A minor collection after each block frees them (measured: +0).
let collect;
if (format === 'zstd') {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    collect = require('node:vm').runInNewContext('gc');
  } catch {
    collect = undefined;
  }
}
function compress(data, dictionary, last, chunkSize) {
  if (format === 'zstd') {
    return zlib.zstdCompressSync(data, {
      chunkSize,
      params: {
        [zlib.constants.ZSTD_c_compressionLevel]: level,
        [zlib.constants.ZSTD_c_checksumFlag]: 1,
      },
    });
  }
  return zlib.deflateRawSync(data, {
    level,
    dictionary,
    finishFlush: last ? zlib.constants.Z_FINISH : zlib.constants.Z_SYNC_FLUSH,
    chunkSize,
  });
}
parentPort.on('message', (job) => {
  const { id, buffer, dictionaryStart, dictionaryLength, dataStart, dataLength, last, chunkSize } = job;
  try {
    const data = new Uint8Array(buffer, dataStart, dataLength);
    const dictionary =
      dictionaryLength > 0 ? new Uint8Array(buffer, dictionaryStart, dictionaryLength) : undefined;
    const out = compress(data, dictionary, last, chunkSize);
    let output;
    // zlib's own output buffer (chunkSize bytes, larger than Buffer's pool, so not pooled): cut
    // to size and moved, freeing the rest now. Anything else (tiny blocks) is copied.
    const own = chunkSize > Buffer.poolSize && out.byteOffset === 0 && out.buffer.byteLength === chunkSize;
    if (own && out.length > 0) {
      output = out.buffer.transfer(out.length);
    } else {
      output = new ArrayBuffer(out.length);
      new Uint8Array(output).set(out);
    }
    parentPort.postMessage({ id, buffer, output }, [buffer, output]);
    if (collect) collect({ type: 'minor' });
  } catch (error) {
    const message = String((error && error.message) || error);
    parentPort.postMessage({ id, buffer, error: message }, [buffer]);
  }
});
`;

/** What the threads make of each block. */
export type WorkerFormat = 'deflate' | 'zstd';

interface Job {
  resolve(output: Buffer): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

interface Reply {
  id: number;
  buffer: ArrayBuffer;
  output?: ArrayBuffer;
  error?: string;
}

/**
 * `count` worker threads that compress blocks (deflate or zstd) at `level`. Jobs go to the thread with the fewest
 * queued, and each result comes back as its own promise (the caller keeps them in input order).
 * A block's buffer is transferred to the thread and handed to `recycle` when it returns.
 *
 * `close()` terminates every thread and fails the jobs still queued; so does `signal` aborting
 * (a broken source or a failed upload) and any thread's own failure. Threads are unref'd while
 * they have no job, so a pool left open never keeps the process alive.
 */
export class CompressWorkers {
  private readonly threads: Thread[];
  private nextId = 0;
  private readonly bound: (length: number) => number;
  private closed: Error | undefined;
  private readonly onAbort = (): void => this.close(new CompressWorkerError('stopped'));

  constructor(
    count: number,
    format: WorkerFormat,
    level: number,
    private readonly recycle: (buffer: Buffer) => void = () => undefined,
    private readonly signal?: AbortSignal,
  ) {
    this.bound = format === 'zstd' ? zstdBound : deflateBound;
    this.threads = Array.from({ length: count }, () => this.start(format, level));
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
  }

  get size(): number {
    return this.threads.length;
  }

  private start(format: WorkerFormat, level: number): Thread {
    const worker = new Worker(COMPRESS_WORKER_SOURCE, {
      eval: true,
      workerData: { format, level },
      // The thread allocates almost nothing on its JavaScript heap: keep V8 from reserving more.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    worker.unref();
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (reply: Reply) => this.settle(thread, reply));
    worker.on('error', (error) => this.close(new CompressWorkerError(error.message)));
    worker.on('exit', (code) => {
      if (!this.closed) this.close(new CompressWorkerError(`exited with code ${code}`));
    });
    return thread;
  }

  private settle(thread: Thread, reply: Reply): void {
    const job = thread.jobs.get(reply.id);
    if (!job) return;
    thread.jobs.delete(reply.id);
    if (thread.jobs.size === 0) thread.worker.unref();
    this.recycle(Buffer.from(reply.buffer));
    if (reply.output) job.resolve(Buffer.from(reply.output));
    else job.reject(new CompressWorkerError(reply.error ?? 'no output'));
  }

  /** Compresses one block; its buffer belongs to the pool until `recycle` hands it back. */
  compress(block: Block): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closed);
    const thread = this.threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      thread.jobs.set(id, { resolve, reject });
      if (thread.jobs.size === 1) thread.worker.ref();
      const { buffer, dictionary, data, last } = block;
      // Only a whole ArrayBuffer can be transferred (a pooled slice would take the pool along).
      const whole = buffer.byteOffset === 0 && buffer.length === buffer.buffer.byteLength;
      const arrayBuffer = (whole ? buffer.buffer : new Uint8Array(buffer).buffer) as ArrayBuffer;
      thread.worker.postMessage(
        {
          id,
          buffer: arrayBuffer,
          // Offsets into the ArrayBuffer: the views share it with the block's buffer.
          dictionaryStart: dictionary.byteOffset - buffer.byteOffset,
          dictionaryLength: dictionary.length,
          dataStart: data.byteOffset - buffer.byteOffset,
          dataLength: data.length,
          last,
          chunkSize: Math.max(64, this.bound(data.length)),
        },
        [arrayBuffer],
      );
    });
  }

  /** Terminates every thread; jobs still queued fail with `reason`. Idempotent. */
  close(reason: Error = new CompressWorkerError('closed')): void {
    if (this.closed) return;
    this.closed = reason;
    this.signal?.removeEventListener('abort', this.onAbort);
    for (const { worker, jobs } of this.threads) {
      for (const job of jobs.values()) job.reject(reason);
      jobs.clear();
      void worker.terminate().catch(() => undefined);
    }
  }
}
