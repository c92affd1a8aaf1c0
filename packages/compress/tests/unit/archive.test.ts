import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  digestWithTool,
  bodyOf,
  breakingBody,
  readAll,
  gunzipTo,
  tool,
  textBytes,
} from '@s3-pipelines/testing';
import { archiveStream } from '../../src/archive';
import { COMPRESSOR_CHUNK_SIZE } from '../../src/constants';

const BYTES = textBytes(300 * 1024);
const MTIME = new Date('2024-05-06T07:08:10Z');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('archiveStream', () => {
  it.each([0, 6, 9])(
    'writes a zip that unzip -t accepts and extracts byte for byte (level %i)',
    async (level) => {
      // Prepare
      const archive = join(dir, 'a.zip');

      // Act
      const stream = archiveStream(
        bodyOf(BYTES, 4096),
        { name: 'report.csv', size: BYTES.length, mtime: MTIME },
        'zip',
        level,
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expect(tool('unzip', ['-t', archive]).status).toBe(0);
      const listing = tool('unzip', ['-Z', '-l', archive]).stdout;
      expect(listing).toMatch(level === 0 ? / stor / : / defN /);
      expect(listing).toMatch(/24-May-06 07:08 report\.csv/);
      expect(tool('unzip', ['-qq', '-d', join(dir, 'out'), archive]).status).toBe(0);
      writeFileSync(join(dir, 'original'), BYTES);
      expect(tool('cmp', [join(dir, 'original'), join(dir, 'out', 'report.csv')]).status).toBe(0);
    },
  );

  it('writes a gzip that gzip -t accepts and gunzips byte for byte', async () => {
    // Prepare
    const archive = join(dir, 'a.gz');

    // Act
    const stream = archiveStream(
      bodyOf(BYTES, 4096),
      { name: 'x', size: BYTES.length, mtime: MTIME },
      'gzip',
      6,
    );
    writeFileSync(archive, await readAll(stream.output));

    // Assess
    expect(tool('gzip', ['-t', archive]).status).toBe(0);
    expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
    writeFileSync(join(dir, 'original'), BYTES);
    expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
  });

  it.each(['zip', 'gzip'] as const)(
    'extracts byte for byte when the input spans several coalesced compressor chunks (%s)',
    async (format) => {
      // Prepare: odd-sized source chunks, so chunk boundaries never line up with the coalescing.
      const bytes = textBytes(2 * COMPRESSOR_CHUNK_SIZE + COMPRESSOR_CHUNK_SIZE / 2 + 7);
      const archive = join(dir, format === 'zip' ? 'a.zip' : 'a.gz');
      writeFileSync(join(dir, 'original'), bytes);

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 65_521),
        { name: 'big.txt', size: bytes.length, mtime: MTIME },
        format,
        6,
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      const extracted = join(dir, ...(format === 'zip' ? ['out'] : []), 'big.txt');
      const unpacked =
        format === 'zip'
          ? tool('unzip', ['-qq', '-d', join(dir, 'out'), archive])
          : gunzipTo(archive, extracted);
      expect(unpacked.status).toBe(0);
      expect(tool('cmp', [join(dir, 'original'), extracted]).status).toBe(0);
      expect(stream.stats()).toMatchObject({
        bytesIn: bytes.length,
        md5: digestWithTool('md5sum', bytes),
      });
    },
    // 5 MiB through deflate, unzip and cmp: about 5 s on an idle 2-core machine.
    60_000,
  );

  it.each(['zip', 'gzip'] as const)(
    "hands out compressor output in chunks larger than zlib's 16 KiB default (%s)",
    async (format) => {
      // Prepare: random bytes do not shrink, so each compressor chunk is about full.
      const bytes = randomBytes(3 * COMPRESSOR_CHUNK_SIZE);

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 64 * 1024),
        { name: 'r.bin', size: bytes.length, mtime: MTIME },
        format,
        6,
      );
      const sizes: number[] = [];
      for await (const chunk of stream.output) sizes.push((chunk as Buffer).length);

      // Assess: for zip this holds only while patches/yazl@3.3.1.patch is applied.
      expect(Math.max(...sizes)).toBeGreaterThan(COMPRESSOR_CHUNK_SIZE / 2);
    },
  );

  it.each(['zip', 'gzip'] as const)(
    'counts bytes in and out and hashes the original like md5sum (%s)',
    async (format) => {
      // Act
      const stream = archiveStream(
        bodyOf(BYTES, 1000),
        { name: 'x', size: BYTES.length, mtime: MTIME },
        format,
        6,
      );
      const out = await readAll(stream.output);

      // Assess
      expect(stream.stats()).toEqual({
        bytesIn: BYTES.length,
        bytesOut: out.length,
        md5: digestWithTool('md5sum', BYTES),
      });
      expect(out.length).toBeLessThan(BYTES.length / 2);
    },
  );

  it.each(['zip', 'gzip'] as const)(
    'archives an empty input into a valid empty archive (%s)',
    async (format) => {
      // Prepare
      const archive = join(dir, 'empty');

      // Act
      const stream = archiveStream(
        bodyOf(Buffer.alloc(0)),
        { name: 'empty.bin', size: 0, mtime: MTIME },
        format,
        6,
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expect(tool(format === 'zip' ? 'unzip' : 'gzip', ['-t', archive]).status).toBe(0);
      expect(stream.stats()).toMatchObject({ bytesIn: 0, md5: 'd41d8cd98f00b204e9800998ecf8427e' });
    },
  );

  it.each(['zip', 'gzip'] as const)(
    'fails the output when the source breaks, and releases the source (%s)',
    async (format) => {
      // Prepare
      const source = breakingBody(BYTES.subarray(0, 1000), new Error('source broke'));

      // Act
      const stream = archiveStream(
        source,
        { name: 'x', size: BYTES.length, mtime: MTIME },
        format,
        6,
      );

      // Assess
      await expect(readAll(stream.output)).rejects.toThrow('source broke');
      expect(source.destroyed).toBe(true);
    },
  );

  it('fails a zip whose source is shorter than the size it announced', async () => {
    // Act
    const stream = archiveStream(
      Readable.from([Buffer.from('short')]),
      { name: 'x', size: 10, mtime: MTIME },
      'zip',
      6,
    );

    // Assess
    await expect(readAll(stream.output)).rejects.toThrow(/unexpected number of bytes/);
  });

  it('destroys the source when the consumer gives up on the output', async () => {
    // Prepare
    const source = bodyOf(BYTES, 10);

    // Act
    const stream = archiveStream(
      source,
      { name: 'x', size: BYTES.length, mtime: MTIME },
      'gzip',
      6,
    );
    stream.output.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(source.destroyed).toBe(true);
  });
});
