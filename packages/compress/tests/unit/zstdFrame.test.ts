import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool, zstdMatches } from '@s3-pipelines/testing';
import { ZSTD_RAW_BLOCK, zstdRawBlocks, zstdStoredHeader } from '../../src/zstdFrame';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-zstd-frame-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stored frame of `pieces`, judged by zstd -t, zstd -d + cmp, and the size zstd -l reads. */
function expectZstdOfStored(bytes: Buffer, pieces: Buffer[]): void {
  const archive = join(dir, 'a.zst');
  writeFileSync(archive, Buffer.concat([zstdStoredHeader(bytes.length), ...pieces]));
  expect(tool('zstd', ['-q', '-t', archive])).toMatchObject({ status: 0, stderr: '' });
  writeFileSync(join(dir, 'original'), bytes);
  expect(zstdMatches(archive, join(dir, 'original'))).toMatchObject({ status: 0, stderr: '' });
  const listed = tool('zstd', ['-lv', archive]).stdout;
  expect(listed).toMatch(new RegExp(`Decompressed Size: .*\\(${bytes.length} B\\)`));
  expect(listed).toMatch(/Window Size: 128 KiB/);
}

describe('zstdRawBlocks', () => {
  it.each([1, ZSTD_RAW_BLOCK, ZSTD_RAW_BLOCK + 1, 5 * ZSTD_RAW_BLOCK + 17])(
    'stores %i bytes as one frame of raw blocks that zstd reads back byte for byte',
    (length) => {
      // Prepare
      const bytes = randomBytes(length);

      // Act
      const pieces = zstdRawBlocks(bytes, true);

      // Assess
      expectZstdOfStored(bytes, pieces);
      const blocks = Math.ceil(length / ZSTD_RAW_BLOCK);
      expect(Buffer.concat(pieces).length).toBe(length + 3 * blocks);
    },
  );

  it('continues a frame over several calls, then ends it with an empty last block', () => {
    // Prepare: the pieces a socket delivers, of no particular size.
    const bytes = randomBytes(300_000);
    const cuts = [0, 1, 65_536, 200_000, 300_000];

    // Act
    const pieces = [
      ...cuts.slice(1).flatMap((end, i) => zstdRawBlocks(bytes.subarray(cuts[i], end), false)),
      ...zstdRawBlocks(Buffer.alloc(0), true),
    ];

    // Assess
    expectZstdOfStored(bytes, pieces);
  });

  it('makes an empty object one empty last block', () => {
    // Act
    const pieces = zstdRawBlocks(Buffer.alloc(0), true);

    // Assess
    expect(Buffer.concat(pieces)).toEqual(Buffer.from([1, 0, 0]));
    expectZstdOfStored(Buffer.alloc(0), pieces);
  });

  it('passes the bytes on as views, not copies', () => {
    // Prepare
    const bytes = randomBytes(ZSTD_RAW_BLOCK + 5);

    // Act
    const pieces = zstdRawBlocks(bytes, false);

    // Assess: header, data, header, data; no block marked last.
    expect(pieces.map((piece) => piece.length)).toEqual([3, ZSTD_RAW_BLOCK, 3, 5]);
    expect(pieces[1]!.buffer).toBe(bytes.buffer);
    expect(pieces[0]![0]! & 1).toBe(0);
    expect(pieces[2]![0]! & 1).toBe(0);
  });

  it('is refused by zstd when a block is missing, so the size in the header is checked', () => {
    // Prepare
    const bytes = randomBytes(2 * ZSTD_RAW_BLOCK);
    const pieces = zstdRawBlocks(bytes, true);
    const archive = join(dir, 'short.zst');

    // Act: the frame without its first block.
    writeFileSync(archive, Buffer.concat([zstdStoredHeader(bytes.length), ...pieces.slice(2)]));

    // Assess
    expect(tool('zstd', ['-q', '-t', archive]).status).not.toBe(0);
  });
});
