/**
 * `data` cut into blocks of at most `maxBlock` bytes, each after the header `header` writes for
 * its length and whether it ends the stream: the shape of both stored deflate blocks and zstd
 * raw blocks. The bytes are views of `data`, not copies; empty `data` with `last` gives the one
 * empty last block a stream may end with.
 */
export function headedBlocks(
  data: Buffer,
  maxBlock: number,
  last: boolean,
  header: (length: number, isLast: boolean) => Buffer,
): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  do {
    const length = Math.min(maxBlock, data.length - at);
    pieces.push(header(length, last && at + length === data.length));
    if (length > 0) pieces.push(data.subarray(at, at + length));
    at += length;
  } while (at < data.length);
  return pieces;
}
