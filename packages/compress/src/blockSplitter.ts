/**
 * One block of the input, laid out for deflate: `buffer` holds `window` bytes of room for the
 * dictionary, then the block's bytes. `dictionary` (the last `window` bytes of the input before
 * this block; empty for the first) and `data` are views into `buffer`, so one transfer moves
 * all of it to a worker thread.
 */
export interface Block {
  buffer: Buffer;
  dictionary: Buffer;
  data: Buffer;
  /** Offset of `data` in the whole input. */
  offset: number;
  /** True for the final block: nothing follows it. */
  last: boolean;
}

export interface SplitOptions {
  /** Bytes per block; every block but the last has exactly this many. At least `window`. */
  blockSize: number;
  /** Dictionary room before each block (deflate's 32 KiB window). */
  window: number;
  /** A buffer of window + blockSize bytes; recycled ones may be handed back through this. */
  take?: () => Buffer;
}

/**
 * Cuts a byte stream into blocks of exactly `blockSize` bytes (the last shorter), each carrying
 * the `window` bytes before it as its dictionary. `last` is known when a block is handed out:
 * the splitter looks one chunk ahead, not one block. An empty input gives no block at all.
 * It holds one block being filled and one chunk; every byte is copied once, into its block.
 *
 * `rest()` hands out what is left as it comes, uncut and uncopied: for a stored object, which
 * needs no blocks.
 */
export class BlockSplitter {
  private readonly chunks: AsyncIterator<Buffer | string>;
  private pending: Buffer | undefined; // the part of the last chunk read no block holds yet
  private started = false;
  private ended = false;
  private readonly tail: Buffer; // the dictionary for the next block
  private tailLength = 0;
  private offset = 0;
  private readonly take: () => Buffer;

  constructor(
    source: AsyncIterable<Buffer | string>,
    private readonly options: SplitOptions,
  ) {
    const { blockSize, window } = options;
    if (blockSize < window) throw new RangeError(`blockSize ${blockSize} < window ${window}`);
    this.chunks = source[Symbol.asyncIterator]();
    this.tail = Buffer.allocUnsafe(window);
    this.take = options.take ?? (() => Buffer.allocUnsafeSlow(window + blockSize));
  }

  private async nextChunk(): Promise<Buffer | undefined> {
    while (!this.ended) {
      const { value, done } = await this.chunks.next();
      if (done) this.ended = true;
      else if (value.length > 0) return typeof value === 'string' ? Buffer.from(value) : value;
    }
    return undefined;
  }

  /** The next block, or undefined once the input has ended. */
  async next(): Promise<Block | undefined> {
    const { blockSize, window } = this.options;
    if (!this.started) {
      this.started = true;
      this.pending = await this.nextChunk();
    }
    if (!this.pending) return undefined;
    const buffer = this.take();
    const dictionary = buffer.subarray(window - this.tailLength, window);
    this.tail.copy(dictionary, 0, 0, this.tailLength);
    let filled = 0;
    while (filled < blockSize && this.pending) {
      const n = Math.min(blockSize - filled, this.pending.length);
      this.pending.copy(buffer, window + filled, 0, n);
      filled += n;
      this.pending = n < this.pending.length ? this.pending.subarray(n) : await this.nextChunk();
    }
    const data = buffer.subarray(window, window + filled);
    // Copied before the block is handed out: its buffer may be transferred to another thread.
    this.tailLength = data.copy(this.tail, 0, Math.max(0, filled - window));
    const block = { buffer, dictionary, data, offset: this.offset, last: !this.pending };
    this.offset += filled;
    return block;
  }

  /** The rest of the input after the blocks handed out so far, chunk by chunk as it comes. */
  async *rest(): AsyncGenerator<Buffer> {
    if (!this.started) {
      this.started = true;
      this.pending = await this.nextChunk();
    }
    while (this.pending) {
      const chunk = this.pending;
      this.pending = undefined;
      yield chunk;
      this.pending = await this.nextChunk();
    }
  }

  /** Stopped early (a failure downstream): lets the source go (a Readable is destroyed). */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.chunks.return?.();
    }
  }
}

/** The blocks of `source`, as a generator (see BlockSplitter). */
export async function* splitBlocks(
  source: AsyncIterable<Buffer | string>,
  options: SplitOptions,
): AsyncGenerator<Block> {
  const splitter = new BlockSplitter(source, options);
  try {
    for (let block = await splitter.next(); block; block = await splitter.next()) yield block;
  } finally {
    await splitter.close();
  }
}
