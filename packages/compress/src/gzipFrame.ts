/**
 * The gzip member around one raw deflate stream (RFC 1952): a 10-byte header with no name and
 * mtime 0 (the archive's key carries the name), then the deflate bytes, then CRC-32 and the
 * size modulo 2^32. The header bytes are those zlib's own gzip writes, so an archive from the
 * blocks engine and one from the stream engine differ only in their deflate data.
 */
export function gzipHeader(level: number): Buffer {
  // XFL as zlib sets it: 2 = slowest (level 9), 4 = fastest (levels 0-1), else 0.
  const xfl = level === 9 ? 2 : level < 2 ? 4 : 0;
  // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL OS=3 (Unix, as zlib writes on Linux)
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3]);
}

export function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return trailer;
}
