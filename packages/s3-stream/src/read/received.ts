/**
 * What a ranged GET has received that the consumer has not taken yet, in one of two ways:
 * the socket's own chunks kept as they came (ChunkList), or copied into a buffer that is used
 * again once the consumer is past it (SlabList, from a SlabPool).
 */
export interface Received {
  /** Keeps `chunk` (the caller never adds more than the range's length). */
  add(chunk: Buffer): void;
  /** The next piece for the consumer, or undefined when it has everything received so far. */
  take(): Buffer | undefined;
  /** Gives back what it holds; nothing is taken after this. */
  release(): void;
}

/**
 * A slab is handed over in pieces of a socket read's size, as a plain loop gets its bytes.
 * Larger pieces measured worse, not better: the consumer then makes less garbage per byte, V8
 * runs fewer young collections to free the socket's dead chunks, and the process fell into
 * back-to-back major GCs more often (docs/checksum.md).
 */
const MAX_PIECE = 64 * 1024;

/** The chunks as the socket delivered them: every chunk the consumer gets is its own to keep. */
export class ChunkList implements Received {
  private chunks: Buffer[] = [];
  /** Taken from the front: shift() on a long array is O(n). */
  private taken = 0;

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  take(): Buffer | undefined {
    if (this.taken === this.chunks.length) return undefined;
    const chunk = this.chunks[this.taken]!;
    // Dropped as it goes, so that a chunk handed over is not held here too.
    this.chunks[this.taken++] = EMPTY;
    // Emptied: start over, so that a list serving a whole object does not grow with it.
    if (this.taken === this.chunks.length) {
      this.chunks.length = 0;
      this.taken = 0;
    }
    return chunk;
  }

  release(): void {
    this.chunks = [];
  }
}

/**
 * Buffers of one size, used again and again: `concurrency + 1` of them serve a whole object.
 * A released buffer is handed out again only after the next one is released too, so a piece
 * stays valid until the consumer has taken at least one more range's bytes after it.
 */
export class SlabPool {
  private readonly free: Buffer[] = [];
  private cooling?: Buffer;

  constructor(private readonly size: number) {}

  acquire(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  release(slab: Buffer): void {
    if (this.cooling) this.free.push(this.cooling);
    this.cooling = slab;
  }
}

/**
 * Copies what arrives into one slab of a pool, and hands over views of it. What does not fit is
 * kept as the chunks it came in, after the slab's bytes: range 0, when the read fans out, may
 * receive more than a range, because its stream already holds bytes it has not emitted yet.
 * (Copied into a full slab, those bytes were lost without a word: a short read, an MD5 of the
 * wrong bytes.)
 */
export class SlabList implements Received {
  private readonly slab: Buffer;
  private filled = 0;
  private handed = 0;
  private readonly overflow = new ChunkList();

  constructor(private readonly pool: SlabPool) {
    this.slab = pool.acquire();
  }

  add(chunk: Buffer): void {
    const copied = chunk.copy(this.slab, this.filled);
    this.filled += copied;
    // Once the slab is full every later chunk lands here, so the order holds.
    if (copied < chunk.length) this.overflow.add(chunk.subarray(copied));
  }

  take(): Buffer | undefined {
    if (this.handed === this.filled) return this.overflow.take();
    const end = Math.min(this.filled, this.handed + MAX_PIECE);
    const piece = this.slab.subarray(this.handed, end);
    this.handed = end;
    return piece;
  }

  release(): void {
    this.pool.release(this.slab);
    this.overflow.release();
  }
}

/**
 * What one list received, then another: range 0 keeps socket chunks while it is the only GET
 * (and reads no further ahead than the consumer), and copies into a slab once it reads ahead.
 */
export class HandedOver implements Received {
  constructor(
    private readonly before: Received,
    private readonly after: Received,
  ) {}

  add(chunk: Buffer): void {
    this.after.add(chunk);
  }

  take(): Buffer | undefined {
    return this.before.take() ?? this.after.take();
  }

  release(): void {
    this.before.release();
    this.after.release();
  }
}

const EMPTY = Buffer.alloc(0);
