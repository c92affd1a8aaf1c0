/**
 * A zstd frame of raw (stored) blocks, for input that does not shrink (RFC 8878): what the zip
 * stored method and gzip's stored deflate blocks are to deflate. The bytes pass through as views,
 * with a 3-byte header every 128 KiB, so no zstd context, worker thread or output buffer is
 * spent on them.
 */

import { headedBlocks } from './headedBlocks';

/** The frame magic number, 0xFD2FB528, little-endian on the wire. */
const MAGIC = 0xfd2fb528;

/**
 * Block_Maximum_Size is the smaller of 128 KiB and the window: a raw block refers to nothing,
 * so the window is that size too, and the decoder needs no more memory than one block.
 */
export const ZSTD_RAW_BLOCK = 128 * 1024;

/**
 * Frame_Header_Descriptor: Frame_Content_Size_flag 3 (an 8-byte content size), not a single
 * segment (a single segment's window is the content size, which decoders refuse past 128 MiB),
 * no checksum, no dictionary.
 */
const DESCRIPTOR = 0b1100_0000;

/** Window_Descriptor: exponent 7, mantissa 0, a 2^(10 + 7) = 128 KiB window. */
const WINDOW = 7 << 3;

/**
 * The frame header for `size` bytes of content; `zstd -l` shows the size, and a decoder checks
 * that the blocks add up to it. No content checksum: XXH64 is not in Node, and the original's
 * MD5 goes with the report (see One write per archive in docs/compress.md).
 */
export function zstdStoredHeader(size: number): Buffer {
  const header = Buffer.alloc(14);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = DESCRIPTOR;
  header[5] = WINDOW;
  header.writeBigUInt64LE(BigInt(size), 6);
  return header;
}

/**
 * `data` as raw blocks: each a 3-byte header (Last_Block bit, Block_Type 0, Block_Size) and up
 * to 128 KiB of the bytes themselves, as views of `data`. `last` marks the frame's last block;
 * empty `data` with `last` gives the one empty last block a frame may end with.
 */
export function zstdRawBlocks(data: Buffer, last: boolean): Buffer[] {
  return headedBlocks(data, ZSTD_RAW_BLOCK, last, (length, isLast) => {
    const header = Buffer.alloc(3);
    header.writeUIntLE(length * 8 + (isLast ? 1 : 0), 0, 3);
    return header;
  });
}
