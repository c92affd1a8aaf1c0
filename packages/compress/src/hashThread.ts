import { Worker } from 'node:worker_threads';
import { CompressWorkerError } from './errors';

/**
 * The code of the hash thread, a string for the same reason as the compress workers' (one
 * bundle). It keeps the MD5 of the original and, for zip and gzip, its CRC-32, over the bytes
 * it is sent in input order; each buffer is freed as soon as it is hashed
 * (ArrayBuffer.prototype.transfer), so the thread holds no dead ones.
 */
export const HASH_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const md5 = createHash('md5');
let crc = 0;
parentPort.on('message', (message) => {
  if (message.done) {
    parentPort.postMessage({ md5: md5.digest('hex'), crc });
    return;
  }
  const data = new Uint8Array(message.buffer);
  const hashed = data.length;
  md5.update(data);
  if (workerData.crc) crc = crc32(data, crc);
  message.buffer.transfer(0);
  parentPort.postMessage({ hashed });
});
`;

/** Bytes gathered into one message to the thread. */
const BATCH = 1024 * 1024;

export interface Digest {
  md5: string;
  /** CRC-32 (0 when not asked for). */
  crc: number;
}

/**
 * MD5 (and CRC-32) of an input on a thread of its own. On the main thread MD5 (about 590 MB/s
 * here) was a third of the main thread's work on a stored object (profiled), done between the
 * reads and the uploads; on its own thread it runs beside them.
 *
 * `update` copies the bytes (a memcpy, a fraction of MD5's cost) into 1 MiB batches moved to
 * the thread, so the caller may transfer or hand out its own buffer right away. At most
 * `maxInFlight` bytes wait for the thread: beyond that `update` resolves only once the thread
 * has caught up. `close()` terminates the thread; so does `signal` aborting.
 */
export class HashThread {
  private readonly worker: Worker;
  private batch: Uint8Array | undefined;
  private batched = 0;
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  private digested: ((digest: Digest) => void) | undefined;
  private failed: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  private readonly onAbort = (): void => this.close(new CompressWorkerError('stopped'));

  constructor(
    withCrc: boolean,
    private readonly maxInFlight = 8 * 1024 * 1024,
    private readonly signal?: AbortSignal,
  ) {
    this.worker = new Worker(HASH_WORKER_SOURCE, {
      eval: true,
      workerData: { crc: withCrc },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.worker.unref();
    this.worker.on('message', (reply: { hashed?: number } & Partial<Digest>) => {
      if (reply.hashed !== undefined) {
        this.inFlight -= reply.hashed;
        if (this.inFlight === 0 && !this.digested) this.worker.unref();
        if (this.inFlight < this.maxInFlight) this.release();
      } else {
        this.digested?.({ md5: reply.md5!, crc: reply.crc! });
      }
    });
    this.worker.on('error', (error) => this.close(new CompressWorkerError(error.message)));
    this.worker.on('exit', (code) => {
      if (!this.failed) this.close(new CompressWorkerError(`hash thread exited with code ${code}`));
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  /** Hashes `data` next; resolves when the caller may send more. */
  async update(data: Buffer): Promise<void> {
    if (this.failed) throw this.failed;
    // Small pieces (a socket's chunks) are gathered into one message of BATCH bytes.
    for (let at = 0; at < data.length;) {
      this.batch ??= new Uint8Array(Math.max(BATCH, data.length - at));
      const n = Math.min(this.batch.length - this.batched, data.length - at);
      this.batch.set(data.subarray(at, at + n), this.batched);
      this.batched += n;
      at += n;
      if (this.batched === this.batch.length) this.send();
    }
    if (this.inFlight < this.maxInFlight) return;
    await new Promise<void>((resolve, reject) => {
      this.waiting = resolve;
      this.onFailure = reject;
    });
  }

  private send(): void {
    if (!this.batch || this.batched === 0) return;
    const whole = this.batch.buffer as ArrayBuffer;
    // Only the last batch (at digest) is partly filled: that one is cut to size.
    const buffer = this.batched === this.batch.length ? whole : whole.slice(0, this.batched);
    this.inFlight += this.batched;
    this.batch = undefined;
    this.batched = 0;
    this.worker.ref();
    this.worker.postMessage({ buffer }, [buffer]);
  }

  /** The MD5 and CRC-32 of everything sent; the thread ends afterwards. */
  async digest(): Promise<Digest> {
    if (this.failed) throw this.failed;
    this.send();
    const digest = await new Promise<Digest>((resolve, reject) => {
      this.digested = resolve;
      this.onFailure = reject;
      this.worker.ref();
      this.worker.postMessage({ done: true });
    });
    this.close();
    return digest;
  }

  /** Terminates the thread; an update or digest still waiting fails with `reason`. */
  close(reason: Error = new CompressWorkerError('hash thread closed')): void {
    if (this.failed) return;
    this.failed = reason;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.onFailure?.(reason);
    void this.worker.terminate().catch(() => undefined);
  }
}
