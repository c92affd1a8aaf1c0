import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ZipFile } from 'yazl';
import type { ArchiveEntry } from './archive';
import { zipComment } from './zipFrame';

// patches/yazl@3.3.1.patch adds this option; it is passed to yazl's DeflateRaw.
declare module 'yazl' {
  interface Options {
    compressionChunkSize: number;
  }
}

/**
 * ENGINE=stream: the input through one zlib stream, on one of libuv's threads, as compress did
 * before the blocks engine: zip written by yazl (one deflated entry, stored at level 0, with a
 * data descriptor; Zip64 when the entry or archive passes 4 GiB, from the size given; the
 * original's MD5 in the archive comment, so yazl is ended only once `md5` resolves), or
 * node:zlib's gzip (no name, mtime 0). No store decision. Kept so that the benchmark measures
 * the blocks engine against it in the same run.
 *
 * `input` is the metered, coalesced source (writes of `chunkSize`); `chunkSize` is also zlib's
 * output chunk. yazl pipes its input internally and does not forward input errors, so `fail`
 * gets every error of the chain.
 */
export function streamArchive(
  input: Transform,
  entry: ArchiveEntry,
  format: 'zip' | 'gzip',
  level: number,
  chunkSize: number,
  fail: (error: Error | null | undefined) => void,
  md5: Promise<string>,
): Readable {
  if (format === 'gzip') {
    const gzip = createGzip({ level, chunkSize });
    pipeline(input, gzip, fail);
    return gzip;
  }
  const zip = new ZipFile();
  zip.addReadStream(input, entry.name, {
    size: entry.size,
    mtime: entry.mtime,
    compress: level > 0,
    compressionLevel: level,
    compressionChunkSize: chunkSize,
  });
  // yazl writes the central directory once the entry is done and end() has been called.
  // forceZip64Format: false is yazl's default (Zip64 still where sizes need it).
  void md5.then((hex) => zip.end({ comment: zipComment(hex), forceZip64Format: false }), fail);
  zip.on('error', fail);
  return zip.outputStream as Readable;
}
