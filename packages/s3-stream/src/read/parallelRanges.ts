import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { PermanentError } from '../errors';
import { threadWaitMs } from '../threadWaits';
import type { Pin } from '../object/pin';
import { RangeStream, type ResumeOptions } from './rangeReader';
import { ChunkList, HandedOver, SlabList, SlabPool, type Received } from './received';

/**
 * ReadOptions.fanOutIdleShare's default. Measured over the first 8 MiB (scripts/bench checksum):
 * hashing a fast endpoint's bytes left the event loop idle under 2% of the time, hashing one
 * connection capped at 90 MB/s (about one S3 connection) left it idle about half of it.
 */
export const DEFAULT_FAN_OUT_IDLE_SHARE = 0.2;

export interface ParallelOptions {
  concurrency: number;
  rangeSize: number;
  resume: ResumeOptions;
  /** The consumer keeps no chunk (ReadOptions.reuseBuffers): read-ahead goes into reused slabs. */
  reuseBuffers?: boolean;
  /**
   * Fan out once the event loop has sat idle this share of the time since the first read
   * (ReadOptions.fanOutIdleShare); 0 fans out at the first read.
   */
  fanOutIdleShare: number;
}

/** One ranged GET, and what it has received ahead of its turn that is not handed over yet. */
interface Range {
  stream: RangeStream;
  received: Received;
  /** Bytes the range covers; range 0's shrinks when the read fans out. */
  size: number;
  got: number;
  held: number;
  ended: boolean;
}

/**
 * The bytes [0, total) as one stream, read with up to `concurrency` ranged GETs in flight and
 * handed over in order. Each range is resumable on its own (RangeStream).
 *
 * It starts on one GET for the whole object (`first`) and fans out only when that connection is
 * what holds the process back: when, judged after every rangeSize bytes handed over, the event
 * loop has sat idle (nothing to do but wait for the network) `fanOutIdleShare` of the time since
 * the first read, range 0 is cut at the next multiple of rangeSize (RangeStream.endAtNext) and
 * ranged GETs carry on from there. Idle time spent waiting on the process's own threads (a hash
 * thread, compression threads: threadWaits) is taken out first: measured, compress's deflate
 * and checksum's hash thread otherwise fanned out against a fast endpoint for nothing. A process that one connection keeps busy (CPU-bound hashing
 * against a fast endpoint) never pays for ranges: their requests and the copies into read-ahead
 * cost the checksum function about a tenth of its throughput there and bought nothing. The
 * consumer's own waiting is no measure of this: on a busy loop it is the time the sockets' bytes
 * take to come through the HTTP stack, a third of the time even when the network is not the limit.
 *
 * While the consumer waits for the head range, its socket's chunks go straight through: no copy.
 * After the fan-out, every other byte arrives ahead of its turn and is kept until then: as the
 * socket's chunks, or, with `reuseBuffers`, copied into one of concurrency + 1 slabs that serve
 * the whole object. That copy costs less than it saves: read-ahead held as socket chunks outlives
 * V8's young generation, and the dead chunks piling up in the old one kept Node 22 in
 * back-to-back major GCs (60 or more per GiB). No concatenation and no async iteration in
 * between: an async generator under Readable.from cost three promises per chunk.
 *
 * Memory: the head range reads no further ahead than its stream's own buffer while the consumer
 * has enough (backpressure, as one stream). A range is dropped once the consumer has taken all
 * of it and the next one starts then, so at most `concurrency` ranges are held (with slabs one
 * more cools off before it is used again): within (concurrency + 1) × rangeSize.
 *
 * `first` is the response for bytes 0 to the end, already in hand; this stream owns its body.
 */
export class ParallelRangeStream extends Readable {
  private readonly ranges: Range[] = [];
  private readonly slabs?: SlabPool;
  /** Where the next ranged GET starts; `total` (none) until the read fans out. */
  private nextStart: number;
  private fannedOut = false;
  /** Set by _read, cleared when push() says the consumer has enough. */
  private wanted = false;
  private pumping = false;
  private pumpQueued = false;
  /** Before the fan-out: the event loop's counters at the first read, and when to judge next. */
  private loopAtStart?: EventLoopUtilization;
  /** threadWaitMs() at the first read. */
  private threadWaitAtStart = 0;
  private handed = 0;
  private judgeAt: number;

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
    this.nextStart = total;
    this.judgeAt = options.rangeSize;
    if (options.reuseBuffers) this.slabs = new SlabPool(options.rangeSize);
    // Range 0 is attached now, so that destroying the stream unread releases its socket.
    this.start(0, total, first);
  }

  override _read(): void {
    this.wanted = true;
    if (this.loopAtStart === undefined) {
      this.loopAtStart = performance.eventLoopUtilization();
      this.threadWaitAtStart = threadWaitMs();
      if (this.options.fanOutIdleShare <= 0) this.fanOut();
    }
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

  /** Range 0 stops at the next range boundary; ranged GETs read the rest. */
  private fanOut(): void {
    if (this.fannedOut) return;
    this.fannedOut = true;
    const head = this.ranges[0];
    if (!head) return;
    this.nextStart = head.stream.endAtNext(this.options.rangeSize);
    head.size = this.nextStart;
    // It reads ahead from now on, like every range: at most rangeSize more, up to its cut, which
    // fits in a slab. Socket chunks held that long would tip V8 into back-to-back major GCs.
    if (this.slabs) head.received = new HandedOver(head.received, new SlabList(this.slabs));
    head.stream.resume();
  }

  private fill(): void {
    const { rangeSize, concurrency } = this.options;
    while (this.nextStart < this.total && this.ranges.length < concurrency) {
      const begin = this.nextStart;
      this.nextStart = Math.min(begin + rangeSize, this.total);
      this.start(begin, this.nextStart - begin);
    }
  }

  /** Pushes `chunk` to the consumer; before the fan-out, judges after every rangeSize bytes. */
  private hand(chunk: Buffer): void {
    if (!this.fannedOut && (this.handed += chunk.length) >= this.judgeAt) this.judge();
    this.wanted = this.push(chunk);
  }

  /**
   * Fans out when the process sat idle, waiting on the network, enough of the time: idle time
   * spent waiting on the process's own threads (threadWaits) does not count.
   */
  private judge(): void {
    this.judgeAt += this.options.rangeSize;
    const { idle, active } = performance.eventLoopUtilization(this.loopAtStart);
    const onNetwork = idle - (threadWaitMs() - this.threadWaitAtStart);
    if (onNetwork > 0 && onNetwork / (idle + active) >= this.options.fanOutIdleShare) {
      this.fanOut();
    }
  }

  private start(begin: number, size: number, first?: GetObjectCommandOutput): void {
    const { resume } = this.options;
    const range: Range = {
      stream: new RangeStream(
        this.s3,
        this.pin,
        begin,
        begin + size - 1,
        this.total,
        resume,
        first,
      ),
      // Range 0 may run to the end of the object: more than a slab holds.
      received: this.slabs && begin > 0 ? new SlabList(this.slabs) : new ChunkList(),
      size,
      got: 0,
      held: 0,
      ended: false,
    };
    range.stream.on('data', (chunk: Buffer) => {
      range.got += chunk.length;
      // Past its range a body would land in the next one's bytes (and overflow a slab).
      if (range.got > range.size) {
        this.destroy(
          new PermanentError(
            `GET ${this.pin.key} sent more than bytes ${begin}-${begin + range.size - 1}`,
          ),
        );
      } else if (range === this.ranges[0] && range.held === 0 && this.wanted && !this.pumping) {
        // The consumer is waiting for exactly this chunk.
        this.hand(chunk);
      } else {
        range.received.add(chunk);
        range.held += chunk.length;
        if (range === this.ranges[0]) {
          // The consumer has enough. Before the fan-out range 0 may run to the end of the
          // object: it reads on no further than one stream would.
          if (!this.fannedOut) range.stream.pause();
          this.pump();
        }
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
          this.hand(piece);
        } else if (head.ended) {
          this.ranges.shift();
          head.received.release();
          this.fill();
        } else {
          if (!this.fannedOut) head.stream.resume();
          return;
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}
