import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { PermanentError } from '../errors';
import type { Pin } from '../object/pin';
import { RangeStream, type ResumeOptions } from './rangeReader';
import { ChunkList, SlabList, SlabPool, type Received } from './received';

export interface ParallelOptions {
  concurrency: number;
  rangeSize: number;
  resume: ResumeOptions;
  /** The consumer keeps no chunk (ReadOptions.reuseBuffers): read-ahead goes into reused slabs. */
  reuseBuffers?: boolean;
}

/** One ranged GET, and what it has received ahead of its turn that is not handed over yet. */
interface Range {
  stream: RangeStream;
  received: Received;
  held: number;
  ended: boolean;
}

/**
 * The bytes [0, total) as one stream, read with up to `concurrency` ranged GETs in flight and
 * handed over in order. Each range is resumable on its own (RangeStream).
 *
 * While the consumer waits for the head range, its socket's chunks go straight through: no copy.
 * Every other byte arrives ahead of its turn and is kept until then: as the socket's chunks, or,
 * with `reuseBuffers`, copied into one of concurrency + 1 slabs that serve the whole object.
 * That copy costs less than it saves: read-ahead held as socket chunks outlives V8's young
 * generation, and the dead chunks piling up in the old one kept Node 22 in back-to-back major
 * GCs (60 or more per GiB). No concatenation and no async iteration in between: an async
 * generator under Readable.from cost three promises per chunk.
 *
 * Memory: a range is dropped once the consumer has taken all of it and the next one starts then,
 * so at most `concurrency` ranges are held (with slabs one more cools off before it is used
 * again): within (concurrency + 1) × rangeSize.
 *
 * `first` is the response for range 0, already in hand; this stream owns its body from here on.
 */
export class ParallelRangeStream extends Readable {
  private readonly ranges: Range[] = [];
  private readonly count: number;
  private readonly slabs?: SlabPool;
  private next = 0;
  /** Set by _read, cleared when push() says the consumer has enough. */
  private wanted = false;
  private pumping = false;
  private pumpQueued = false;

  constructor(
    private readonly s3: S3Client,
    private readonly pin: Pin,
    private readonly total: number,
    first: GetObjectCommandOutput,
    private readonly options: ParallelOptions,
  ) {
    // No read-ahead of its own: the ranges are the read-ahead. And with nothing buffered here,
    // read() never concatenates (copies) chunks for a consumer that iterates.
    super({ highWaterMark: 0 });
    this.count = Math.ceil(total / options.rangeSize);
    if (options.reuseBuffers) this.slabs = new SlabPool(options.rangeSize);
    // Range 0 is attached now, so that destroying the stream unread releases its socket. The rest
    // start on the first read: a consumer that skips the object costs no further GETs.
    this.start(first);
  }

  override _read(): void {
    this.wanted = true;
    this.fill();
    // Not pushed from inside _read: read() calls it and then returns everything buffered as one
    // Buffer, so a chunk pushed here would be concatenated (copied) with the one being read.
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      queueMicrotask(this.queuedPump);
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    for (const range of this.ranges.splice(0)) range.stream.destroy();
    callback(error);
  }

  private readonly queuedPump = (): void => {
    this.pumpQueued = false;
    this.pump();
  };

  private fill(): void {
    while (this.next < this.count && this.ranges.length < this.options.concurrency) this.start();
  }

  private start(first?: GetObjectCommandOutput): void {
    const { rangeSize, resume } = this.options;
    const begin = this.next++ * rangeSize;
    const end = Math.min(begin + rangeSize, this.total) - 1;
    const range: Range = {
      stream: new RangeStream(this.s3, this.pin, begin, end, this.total, resume, first),
      received: this.slabs ? new SlabList(this.slabs) : new ChunkList(),
      held: 0,
      ended: false,
    };
    let left = end - begin + 1;
    range.stream.on('data', (chunk: Buffer) => {
      left -= chunk.length;
      // Past its range a body would land in the next one's bytes (and overflow a slab).
      if (left < 0) {
        this.destroy(
          new PermanentError(`GET ${this.pin.key} sent more than bytes ${begin}-${end}`),
        );
      } else if (range === this.ranges[0] && range.held === 0 && this.wanted && !this.pumping) {
        // The consumer is waiting for exactly this chunk.
        this.wanted = this.push(chunk);
      } else {
        range.received.add(chunk);
        range.held += chunk.length;
        if (range === this.ranges[0]) this.pump();
      }
    });
    range.stream.once('end', () => {
      range.ended = true;
      if (range === this.ranges[0]) this.pump();
    });
    range.stream.once('error', (error) => this.destroy(error));
    this.ranges.push(range);
  }

  /** Hands over the head range's bytes while the consumer wants them; moves on as ranges end. */
  private pump(): void {
    // push() can call back into _read synchronously; the loop below already continues then.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.wanted && !this.destroyed) {
        const head = this.ranges[0];
        if (!head) {
          this.push(null);
          return;
        }
        const piece = head.received.take();
        if (piece) {
          head.held -= piece.length;
          this.wanted = this.push(piece);
        } else if (head.ended) {
          this.ranges.shift();
          head.received.release();
          this.fill();
        } else {
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
