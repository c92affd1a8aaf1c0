import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import {
  digestWithTool,
  bodyOf,
  breakingBody,
  readAll,
  gunzipTo,
  tool,
  textBytes,
  zstdMatches,
} from '@s3-pipelines/testing';
import { archiveStream, type ArchiveOptions } from '../../src/archive';
import { COMPRESSOR_CHUNK_SIZE, type Engine } from '../../src/constants';

const KiB = 1024;
const BYTES = textBytes(300 * KiB);
const MTIME = new Date('2024-05-06T07:08:10Z');
/** Small blocks, so that a few hundred KiB take several blocks and both worker threads. */
const SMALL_BLOCKS: Partial<ArchiveOptions> = { blockSize: 64 * KiB, workers: 2 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-unit-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

/** unzip -t, then the one entry extracted and compared with cmp. */
function expectZipOf(archive: string, bytes: Buffer, name: string): void {
  const test = tool('unzip', ['-t', archive]);
  expect(test).toMatchObject({ status: 0, stderr: '' });
  expect(tool('unzip', ['-qq', '-d', join(dir, 'out'), archive]).status).toBe(0);
  writeFileSync(join(dir, 'original'), bytes);
  expect(tool('cmp', [join(dir, 'original'), join(dir, 'out', name)]).status).toBe(0);
}

/** gzip -t, then gzip -dc compared with cmp. */
function expectGzipOf(archive: string, bytes: Buffer): void {
  expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
  expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
  writeFileSync(join(dir, 'original'), bytes);
  expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
}

describe.each<[Engine, Partial<ArchiveOptions>]>([
  ['blocks', SMALL_BLOCKS],
  ['stream', {}],
])('archiveStream, ENGINE=%s', (engine, tuning) => {
  const options = { engine, ...tuning };

  it.each([0, 6, 9])(
    'writes a zip that unzip -t accepts and extracts byte for byte, the MD5 in its comment (level %i)',
    async (level) => {
      // Prepare
      const archive = join(dir, 'a.zip');

      // Act
      const stream = archiveStream(
        bodyOf(BYTES, 4096),
        { name: 'report.csv', size: BYTES.length, mtime: MTIME },
        { format: 'zip', level, ...options },
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expectZipOf(archive, BYTES, 'report.csv');
      const listing = tool('unzip', ['-Z', '-l', archive]).stdout;
      expect(listing).toMatch(level === 0 ? / stor / : / defN /);
      expect(listing).toMatch(/24-May-06 07:08 report\.csv/);
      const comment = tool('unzip', ['-z', '-qq', archive]).stdout.trim();
      expect(comment).toBe(`original-md5=${digestWithTool('md5sum', BYTES)}`);
    },
    60_000,
  );

  it.each([6, 9])(
    'writes a gzip that gzip -t accepts and gunzips byte for byte (level %i)',
    async (level) => {
      // Prepare
      const archive = join(dir, 'a.gz');

      // Act
      const stream = archiveStream(
        bodyOf(BYTES, 4096),
        { name: 'x', size: BYTES.length, mtime: MTIME },
        { format: 'gzip', level, ...options },
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expectGzipOf(archive, BYTES);
    },
    60_000,
  );

  it.each(['zip', 'gzip'] as const)(
    'extracts byte for byte when the input spans several coalesced compressor chunks (%s)',
    async (format) => {
      // Prepare: odd-sized source chunks, so chunk boundaries never line up with the coalescing.
      const bytes = textBytes(2 * COMPRESSOR_CHUNK_SIZE + COMPRESSOR_CHUNK_SIZE / 2 + 7);
      const archive = join(dir, format === 'zip' ? 'a.zip' : 'a.gz');

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 65_521),
        { name: 'big.txt', size: bytes.length, mtime: MTIME },
        { format, level: 6, engine, workers: 2 },
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      if (format === 'zip') expectZipOf(archive, bytes, 'big.txt');
      else expectGzipOf(archive, bytes);
      expect(stream.stats()).toMatchObject({
        bytesIn: bytes.length,
        md5: digestWithTool('md5sum', bytes),
      });
    },
    // 5 MiB through deflate, unzip and cmp: about 5 s on an idle 2-core machine.
    60_000,
  );

  it.each(['zip', 'gzip'] as const)(
    'counts bytes in and out and hashes the original like md5sum (%s)',
    async (format) => {
      // Act
      const stream = archiveStream(
        bodyOf(BYTES, 1000),
        { name: 'x', size: BYTES.length, mtime: MTIME },
        { format, level: 6, ...options },
      );
      const out = await readAll(stream.output);

      // Assess
      expect(stream.stats()).toMatchObject({
        bytesIn: BYTES.length,
        bytesOut: out.length,
        md5: digestWithTool('md5sum', BYTES),
      });
      expect(out.length).toBeLessThan(BYTES.length / 2);
    },
    60_000,
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
        { format, level: 6, ...options },
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
        { format, level: 6, ...options },
      );

      // Assess
      await expect(readAll(stream.output)).rejects.toThrow('source broke');
      expect(source.destroyed).toBe(true);
    },
  );

  it('destroys the source when the consumer gives up on the output', async () => {
    // Prepare
    const source = bodyOf(BYTES, 10);

    // Act
    const stream = archiveStream(
      source,
      { name: 'x', size: BYTES.length, mtime: MTIME },
      { format: 'gzip', level: 6, ...options },
    );
    stream.output.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(source.destroyed).toBe(true);
  });
});

describe('archiveStream, ENGINE=stream only', () => {
  it.each(['zip', 'gzip'] as const)(
    "hands out compressor output in chunks larger than zlib's 16 KiB default (%s)",
    async (format) => {
      // Prepare: random bytes do not shrink, so each compressor chunk is about full.
      const bytes = randomBytes(3 * COMPRESSOR_CHUNK_SIZE);

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 64 * 1024),
        { name: 'r.bin', size: bytes.length, mtime: MTIME },
        { format, level: 6, engine: 'stream' },
      );
      const sizes: number[] = [];
      for await (const chunk of stream.output) sizes.push((chunk as Buffer).length);

      // Assess: for zip this holds only while patches/yazl@3.3.1.patch is applied.
      expect(Math.max(...sizes)).toBeGreaterThan(COMPRESSOR_CHUNK_SIZE / 2);
    },
  );

  it.each([
    ['shorter', 10],
    ['longer', 3],
  ])(
    'fails a gzip whose source is %s than the size it announced, before its last byte',
    async (_label, size) => {
      // Act
      const stream = archiveStream(
        Readable.from([Buffer.from('short')]),
        { name: 'x', size, mtime: MTIME },
        { format: 'gzip', level: 6, engine: 'stream' },
      );

      // Assess
      await expect(readAll(stream.output)).rejects.toMatchObject({
        name: 'SourceSizeError',
        retryable: true,
      });
    },
  );

  it('fails a zip whose source is shorter than the size it announced', async () => {
    // Act
    const stream = archiveStream(
      Readable.from([Buffer.from('short')]),
      { name: 'x', size: 10, mtime: MTIME },
      { format: 'zip', level: 6, engine: 'stream' },
    );

    // Assess: yazl's own check or ours, whichever sees the end first.
    await expect(readAll(stream.output)).rejects.toThrow(
      /unexpected number of bytes|source gave 5 bytes, not the 10/,
    );
  });
});

describe('archiveStream, ENGINE=blocks only', () => {
  it.each([
    ['shorter', 10],
    ['longer', 3],
  ])('fails an archive whose source is %s than the size it announced', async (_label, size) => {
    // Act
    const stream = archiveStream(
      Readable.from([Buffer.from('short')]),
      { name: 'x', size, mtime: MTIME },
      { format: 'zip', level: 6 },
    );

    // Assess
    await expect(readAll(stream.output)).rejects.toMatchObject({
      name: 'SourceSizeError',
      retryable: true,
    });
  });

  it('fails a multi-block archive whose source runs past its size, with the threads stopped', async () => {
    // Prepare: the source has one block more than it announced.
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    const bytes = textBytes(5 * 64 * KiB);

    // Act
    const stream = archiveStream(
      bodyOf(bytes, 10_000),
      { name: 'x', size: 4 * 64 * KiB, mtime: MTIME },
      { format: 'gzip', level: 6, ...SMALL_BLOCKS },
    );

    // Assess
    await expect(readAll(stream.output)).rejects.toMatchObject({ name: 'SourceSizeError' });
    // Two compress threads (an object this small is hashed on the main thread).
    expect(terminate).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('stops its worker threads and releases the source when the source breaks mid-object', async () => {
    // Prepare: a few blocks, then a reset.
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    const source = breakingBody(textBytes(4 * 64 * KiB), new Error('source broke'));

    // Act
    const stream = archiveStream(
      source,
      { name: 'x', size: 64 * 64 * KiB, mtime: MTIME },
      { format: 'zip', level: 6, ...SMALL_BLOCKS },
    );

    // Assess
    await expect(readAll(stream.output)).rejects.toThrow('source broke');
    expect(source.destroyed).toBe(true);
    // Two compress threads (an object this small is hashed on the main thread).
    expect(terminate).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('stops its worker threads when the upload gives up on the output mid-object', async () => {
    // Prepare
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    const source = bodyOf(textBytes(32 * 64 * KiB), 64 * KiB);
    const stream = archiveStream(
      source,
      { name: 'x', size: 32 * 64 * KiB, mtime: MTIME },
      { format: 'zip', level: 6, ...SMALL_BLOCKS },
    );

    // Act: read the first chunks, then stop, as a failed upload does.
    for await (const chunk of stream.output) if ((chunk as Buffer).length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(stream.output.destroyed).toBe(true);
    expect(source.destroyed).toBe(true);
    // Two compress threads (an object this small is hashed on the main thread).
    expect(terminate).toHaveBeenCalledTimes(2);
  }, 60_000);

  it('starts no thread for an object of one block', async () => {
    // Prepare
    const terminate = jest.spyOn(Worker.prototype, 'terminate');
    const archive = join(dir, 'a.gz');

    // Act
    const stream = archiveStream(
      bodyOf(BYTES, 4096),
      { name: 'x', size: BYTES.length, mtime: MTIME },
      { format: 'gzip', level: 6, blockSize: 1024 * KiB },
    );
    writeFileSync(archive, await readAll(stream.output));

    // Assess
    expectGzipOf(archive, BYTES);
    expect(stream.stats().decision).toEqual({
      compression: 'deflate',
      sampleRatio: expect.any(Number),
      storeAboveRatio: 0.98,
      workers: 0,
    });
    expect(terminate).not.toHaveBeenCalled();
  }, 60_000);

  it('refuses an object it would not finish in time, before reading it', () => {
    // Prepare
    const source = bodyOf(BYTES, 4096);

    // Act
    const act = (): unknown =>
      archiveStream(
        source,
        { name: 'x', size: 100_000_000, mtime: MTIME },
        {
          format: 'zip',
          level: 6,
          budget: { key: 'incoming/x', remainingMs: 5_000, bytesPerSecond: 10e6, hint: 'h' },
        },
      );

    // Assess
    expect(act).toThrow(
      expect.objectContaining({ name: 'WouldTimeOutError', retryable: false }) as Error,
    );
    expect(source.destroyed).toBe(true);
  });
});

describe('archiveStream, FORMAT=zstd', () => {
  it.each([
    ['one frame', 1024 * KiB],
    ['a frame per block, on two threads', 64 * KiB],
  ])(
    'writes zstd that zstd -t accepts and decompresses byte for byte (%s)',
    async (_label, blockSize) => {
      // Prepare
      const bytes = textBytes(10 * 64 * KiB + 11);
      const archive = join(dir, 'a.zst');

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 10_000),
        { name: 'x', size: bytes.length, mtime: MTIME },
        { format: 'zstd', level: 3, blockSize, workers: 2 },
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expect(tool('zstd', ['-q', '-t', archive])).toMatchObject({ status: 0, stderr: '' });
      writeFileSync(join(dir, 'original'), bytes);
      expect(zstdMatches(archive, join(dir, 'original')).status).toBe(0);
      expect(stream.stats()).toMatchObject({
        bytesIn: bytes.length,
        md5: digestWithTool('md5sum', bytes),
        decision: { compression: 'zstd' },
      });
      expect(stream.stats().bytesOut).toBeLessThan(bytes.length / 2);
    },
    60_000,
  );

  it('writes an empty frame for an empty object', async () => {
    // Prepare
    const archive = join(dir, 'a.zst');

    // Act
    const stream = archiveStream(
      bodyOf(Buffer.alloc(0)),
      { name: 'x', size: 0, mtime: MTIME },
      { format: 'zstd', level: 3 },
    );
    writeFileSync(archive, await readAll(stream.output));

    // Assess
    expect(tool('zstd', ['-q', '-t', archive]).status).toBe(0);
    expect(tool('sh', ['-c', 'zstd -q -dc "$1" | wc -c', 'sh', archive]).stdout.trim()).toBe('0');
  });

  it('stores random bytes it cannot shrink in raw blocks, with no thread, still as zstd', async () => {
    // Prepare
    const bytes = randomBytes(3 * 64 * KiB + 5);
    const archive = join(dir, 'a.zst');

    // Act
    const stream = archiveStream(
      bodyOf(bytes, 10_000),
      { name: 'x', size: bytes.length, mtime: MTIME },
      { format: 'zstd', level: 3, blockSize: 64 * KiB, workers: 2 },
    );
    writeFileSync(archive, await readAll(stream.output));

    // Assess
    expect(tool('zstd', ['-q', '-t', archive])).toMatchObject({ status: 0, stderr: '' });
    writeFileSync(join(dir, 'original'), bytes);
    expect(zstdMatches(archive, join(dir, 'original')).status).toBe(0);
    // One frame: zstd -l counts the frames.
    expect(tool('zstd', ['-lv', archive]).stdout).toMatch(/Zstandard Frames: 1\b/);
    const { decision, bytesOut, md5 } = stream.stats();
    expect(decision).toMatchObject({ compression: 'stored', workers: 0, storeAboveRatio: 0.98 });
    expect(decision!.sampleRatio).toBeGreaterThan(0.98);
    expect(md5).toBe(digestWithTool('md5sum', bytes));
    // The 14-byte header and 3 bytes per block (10,000-byte pieces, each in one or two blocks).
    expect(bytesOut - bytes.length).toBeLessThan(14 + 3 * 2 * Math.ceil(bytes.length / 10_000) + 3);
  });

  it('fails when the source breaks, and releases the source', async () => {
    // Prepare
    const source = breakingBody(textBytes(3 * 64 * KiB), new Error('source broke'));

    // Act
    const stream = archiveStream(
      source,
      { name: 'x', size: 10 * 64 * KiB, mtime: MTIME },
      { format: 'zstd', level: 3, blockSize: 64 * KiB },
    );

    // Assess
    await expect(readAll(stream.output)).rejects.toThrow('source broke');
    expect(source.destroyed).toBe(true);
  });
});
