import { createHash } from 'node:crypto';
import { pipeline, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ZipFile } from 'yazl';
import { COMPRESSOR_CHUNK_SIZE, type Format } from './constants';
import { coalescingMeter, meter } from './meters';

// patches/yazl@3.3.1.patch adds this option; it is passed to yazl's DeflateRaw.
declare module 'yazl' {
  interface Options {
    compressionChunkSize: number;
  }
}

/** The one file an archive holds. */
export interface ArchiveEntry {
  /** Entry name inside a zip (see entryName); gzip stores no name. */
  name: string;
  /** Exact byte count of the source: yazl checks it and picks Zip64 from it up front. */
  size: number;
  mtime: Date;
}

export interface ArchiveStats {
  /** Bytes read from the source. */
  bytesIn: number;
  /** Bytes of archive produced. */
  bytesOut: number;
  /** Hex MD5 of the source bytes. */
  md5: string;
}

export interface ArchiveStream {
  /** The archive's bytes; errors anywhere upstream (source, compressor) surface here. */
  output: Readable;
  /** Counts and MD5 so far; final once `output` has ended. */
  stats(): ArchiveStats;
}

/**
 * Streams `source` through MD5 and a compressor into one archive, holding no more than the
 * streams' own buffers (a few 2 MiB chunks, measured at 4-8 MiB in flight): source →
 * MD5/count, coalesced into COMPRESSOR_CHUNK_SIZE writes → zip or gzip → count → output.
 *
 * zip: one deflated entry (stored at level 0) written by yazl, with a data descriptor; because
 * the size is given, yazl switches to Zip64 when the entry or the archive passes 4 GiB.
 * gzip: node:zlib's gzip, no file name, mtime 0 (the archive's key carries the name).
 *
 * yazl pipes its input internally and does not forward input errors, so they are forwarded here:
 * any failure destroys `output` with the error, and destroying `output` releases the source.
 */
export function archiveStream(
  source: Readable,
  entry: ArchiveEntry,
  format: Format,
  level: number,
): ArchiveStream {
  const hash = createHash('md5');
  let bytesIn = 0;
  let bytesOut = 0;
  let md5: string | undefined;
  const input = coalescingMeter(COMPRESSOR_CHUNK_SIZE, (chunk) => {
    hash.update(chunk);
    bytesIn += chunk.length;
  });
  input.once('end', () => (md5 = hash.digest('hex')));
  const output = meter((chunk) => (bytesOut += chunk.length));
  const fail = (error: Error | null | undefined): void => {
    if (!error) return;
    output.destroy(error);
    source.destroy(error);
  };

  if (format === 'gzip') {
    pipeline(source, input, createGzip({ level, chunkSize: COMPRESSOR_CHUNK_SIZE }), output, fail);
  } else {
    const zip = new ZipFile();
    zip.addReadStream(input, entry.name, {
      size: entry.size,
      mtime: entry.mtime,
      compress: level > 0,
      compressionLevel: level,
      compressionChunkSize: COMPRESSOR_CHUNK_SIZE,
    });
    zip.end();
    zip.on('error', fail);
    pipeline(source, input, fail);
    pipeline(zip.outputStream as Readable, output, fail);
  }
  return {
    output,
    stats: () => ({ bytesIn, bytesOut, md5: md5 ?? '' }),
  };
}
