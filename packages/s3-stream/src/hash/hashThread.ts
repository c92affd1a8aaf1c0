import { Worker } from 'node:worker_threads';
import { HashThreadError } from '../errors';
import { waitOnThread } from '../threadWaits';
import type { Digests, InputHasher } from './types';

/**
 * The thread's code, a string so that it ships inside whatever bundle imports this file (a
 * function's zip or the layer) with no second file to find at run time. It keeps each hash, and
 * the CRC-32 when asked, over the bytes it is sent in input order; each buffer is freed as soon
 * as it is hashed (ArrayBuffer.prototype.transfer), so the thread holds no dead ones.
 */
const HASH_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const hashes = workerData.algorithms.map((algorithm) => [algorithm, createHash(algorithm)]);
let crc = 0;
parentPort.on('message', (message) => {
  if (message.done) {
    const hex = Object.fromEntries(hashes.map(([name, hash]) => [name, hash.digest('hex')]));
    parentPort.postMessage({ hex, crc });
    return;
  }
  const data = new Uint8Array(message.buffer);
  const hashed = data.length;
  for (const [, hash] of hashes) hash.update(data);
  if (workerData.crc) crc = crc32(data, crc);
  // Node 22 frees the bytes now; where transfer is missing, V8 frees them when it collects.
  if (typeof message.buffer.transfer === 'function') message.buffer.transfer(0);
  parentPort.postMessage({ hashed });
});
`;

/** Bytes gathered into one message to the thread. */
const BATCH = 1024 * 1024;
/** Bytes that may wait for the thread before `update` waits too. */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;

export interface HashThreadOptions {
  /** node:crypto algorithm names, e.g. `md5`, `sha256`. */
  algorithms: readonly string[];
  /** Also keep the CRC-32 (zip and gzip need it). */
  crc32?: boolean;
  /** Bytes that may wait for the thread; default 8 MiB. */
  maxInFlight?: number;
  /** Stops the thread; an update or digest still waiting fails. */
  signal?: AbortSignal;
}

/**
 * Hashes an input on a thread of its own, beside the reads (and the uploads) of the main thread.
 * On the main thread MD5 (about 590 MB/s here) was a third of a stored object's work in compress
 * and capped checksum's ranged reads at what one core does for both (profiled).
 *
 * `update` copies the bytes (a memcpy, a fraction of MD5's cost) into 1 MiB batches moved to
 * the thread, so the caller may reuse or hand out its buffer right away. At most `maxInFlight`
 * bytes wait for the thread: beyond that `update` resolves only once the thread has caught up.
 * `close()` terminates the thread; so does `signal` aborting.
 */
export class HashThread implements InputHasher {
  private readonly worker: Worker;
  private readonly maxInFlight: number;
  private readonly signal: AbortSignal | undefined;
  private batch: Uint8Array | undefined;
  private batched = 0;
  private inFlight = 0;
  private waiting: (() => void) | undefined;
  private digested: ((digests: Digests) => void) | undefined;
  private failed: Error | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  private readonly onAbort = (): void => this.close(new HashThreadError('stopped'));

  constructor({ algorithms, crc32 = false, maxInFlight, signal }: HashThreadOptions) {
    this.maxInFlight = maxInFlight ?? MAX_IN_FLIGHT;
    this.signal = signal;
    this.worker = new Worker(HASH_WORKER_SOURCE, {
      eval: true,
      workerData: { algorithms, crc: crc32 },
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    this.worker.unref();
    this.worker.on('message', (reply: { hashed?: number } & Partial<Digests>) => {
      if (reply.hashed !== undefined) {
        this.inFlight -= reply.hashed;
        if (this.inFlight === 0 && !this.digested) this.worker.unref();
        if (this.inFlight < this.maxInFlight) this.release();
      } else {
        this.digested?.({ hex: reply.hex!, crc: reply.crc! });
      }
    });
    this.worker.on('error', (error) => this.close(new HashThreadError(error.message)));
    this.worker.on('exit', (code) => {
      if (!this.failed) this.close(new HashThreadError(`exited with code ${code}`));
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
    if (signal?.aborted) this.onAbort();
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async update(data: Uint8Array): Promise<void> {
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
    await waitOnThread(
      new Promise<void>((resolve, reject) => {
        this.waiting = resolve;
        this.onFailure = reject;
      }),
    );
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

  async digest(): Promise<Digests> {
    if (this.failed) throw this.failed;
    this.send();
    const digests = await new Promise<Digests>((resolve, reject) => {
      this.digested = resolve;
      this.onFailure = reject;
      this.worker.ref();
      this.worker.postMessage({ done: true });
    });
    this.close();
    return digests;
  }

  /** Terminates the thread; an update or digest still waiting fails with `reason`. */
  close(reason: Error = new HashThreadError('closed')): void {
    if (this.failed) return;
    this.failed = reason;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.onFailure?.(reason);
    void this.worker.terminate().catch(() => undefined);
  }
}
