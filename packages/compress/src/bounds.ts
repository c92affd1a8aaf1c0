/**
 * The most raw deflate can make of `length` bytes at levels 1-9 (zlib's deflateBound for the
 * default window and memLevel), plus room for the empty stored block a sync flush appends. It
 * sizes a worker's output buffer (so zlib writes it in one piece) and the Zip64 decision.
 */
export function deflateBound(length: number): number {
  return length + (length >> 12) + (length >> 14) + (length >> 25) + 7 + 16;
}

/** The most a whole input of `size` bytes deflates to in `blockSize` blocks. */
export function deflatedBound(size: number, blockSize: number): number {
  return deflateBound(size) + Math.max(1, Math.ceil(size / blockSize)) * 16;
}

/** The most a whole input of `size` bytes compresses to, one zstd frame per `blockSize` block. */
export function zstdFramesBound(size: number, blockSize: number): number {
  return Math.max(1, Math.ceil(size / blockSize)) * zstdBound(blockSize);
}

/** The most one zstd frame of `length` bytes can be (ZSTD_compressBound, with room to spare). */
export function zstdBound(length: number): number {
  return length + (length >> 8) + 1024;
}
