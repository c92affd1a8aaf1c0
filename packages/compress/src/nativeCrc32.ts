import { crc32 as native } from 'node:zlib';

/**
 * A drop-in for the `buffer-crc32` package, which yazl uses for every zip entry's CRC-32. That
 * package computes it in JavaScript (~430 MB/s measured); Node's zlib.crc32 is the same IEEE
 * CRC-32 in native code, an order of magnitude faster, on a path every input byte takes. The
 * build and jest alias `buffer-crc32` to this module; `unzip -t` in the tests checks the result.
 */
function crc32(data: Buffer | string, previous = 0): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(native(data, previous));
  return out;
}
crc32.unsigned = (data: Buffer | string, previous = 0): number => native(data, previous);
crc32.signed = (data: Buffer | string, previous = 0): number => native(data, previous) | 0;

export = crc32;
