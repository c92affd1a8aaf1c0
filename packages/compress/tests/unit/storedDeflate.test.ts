import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';
import { gunzipTo, tool } from '@s3-pipelines/testing';
import { gzipHeader, gzipTrailer } from '../../src/gzipFrame';
import { MAX_STORED_BLOCK, storedDeflateBlocks, storedDeflateSize } from '../../src/storedDeflate';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-stored-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A gzip member of `pieces` of stored deflate data, judged by gzip -t and gunzip + cmp. */
function expectGzipOfStored(bytes: Buffer, pieces: Buffer[]): void {
  const archive = join(dir, 'a.gz');
  writeFileSync(
    archive,
    Buffer.concat([gzipHeader(6), ...pieces, gzipTrailer(crc32(bytes), bytes.length)]),
  );
  expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
  expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
  writeFileSync(join(dir, 'original'), bytes);
  expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
}

describe('storedDeflateBlocks', () => {
  it.each([1, MAX_STORED_BLOCK, MAX_STORED_BLOCK + 1, 5 * MAX_STORED_BLOCK + 17])(
    'stores %i bytes as deflate blocks gzip reads back byte for byte',
    (length) => {
      // Prepare
      const bytes = randomBytes(length);

      // Act
      const pieces = storedDeflateBlocks(bytes, true);

      // Assess
      expectGzipOfStored(bytes, pieces);
      expect(Buffer.concat(pieces).length).toBe(storedDeflateSize(length));
    },
  );

  it('continues a stream over several calls, only the last one final', () => {
    // Prepare
    const bytes = randomBytes(3 * 100_000);

    // Act: three blocks of the input, as the blocks engine stores them.
    const pieces = [0, 1, 2].flatMap((i) =>
      storedDeflateBlocks(bytes.subarray(i * 100_000, (i + 1) * 100_000), i === 2),
    );

    // Assess
    expectGzipOfStored(bytes, pieces);
  });

  it('ends an empty stream with one empty final block', () => {
    // Act
    const pieces = storedDeflateBlocks(Buffer.alloc(0), true);

    // Assess
    expect(Buffer.concat(pieces)).toEqual(Buffer.from([1, 0, 0, 0xff, 0xff]));
    expectGzipOfStored(Buffer.alloc(0), pieces);
  });

  it('hands out views of the data, not copies', () => {
    // Prepare
    const bytes = randomBytes(1000);

    // Act
    const [, data] = storedDeflateBlocks(bytes, true);

    // Assess
    expect(data!.buffer).toBe(bytes.buffer);
    expect(inflateRawSync(Buffer.concat(storedDeflateBlocks(bytes, true)))).toEqual(bytes);
  });
});
