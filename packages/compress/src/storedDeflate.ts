import { headedBlocks } from './headedBlocks';

/** A stored deflate block holds at most this many bytes (RFC 1951 3.2.4: LEN is 16 bits). */
export const MAX_STORED_BLOCK = 65_535;

/**
 * `data` as stored (uncompressed) deflate blocks: each a 5-byte header (BFINAL and BTYPE=00 in
 * the first byte, already byte-aligned; LEN; NLEN = ~LEN) and up to 64 KiB of the bytes
 * themselves, which are views of `data`, not copies. `final` marks the last block of the stream;
 * empty `data` with `final` gives the one empty final block a stream may end with.
 */
export function storedDeflateBlocks(data: Buffer, final: boolean): Buffer[] {
  return headedBlocks(data, MAX_STORED_BLOCK, final, (length, isFinal) => {
    const header = Buffer.alloc(5);
    header[0] = isFinal ? 1 : 0;
    header.writeUInt16LE(length, 1);
    header.writeUInt16LE(~length & 0xffff, 3);
    return header;
  });
}

/** The size of storedDeflateBlocks(data) for `length` bytes of data. */
export function storedDeflateSize(length: number): number {
  return length + 5 * Math.max(1, Math.ceil(length / MAX_STORED_BLOCK));
}
