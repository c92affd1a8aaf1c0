import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ZipFile } from 'yazl';
import type { ArchiveEntry } from './archive';

// patches/yazl@3.3.1.patch adds this option; it is passed to yazl's DeflateRaw.
declare module 'yazl' {
  interface Options {
    compressionChunkSize: number;
  }
}

/**
 * ENGINE=stream: the input through one zlib stream, on one of libuv's threads, as compress did
 * before the blocks engine: zip written by yazl (one deflated entry, stored at level 0, with a
 * data descriptor; Zip64 when the entry or archive passes 4 GiB, from the size given), or
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
  zip.end();
  zip.on('error', fail);
  return zip.outputStream as Readable;
}
