import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { gunzipTo, textBytes, tool } from '@s3-pipelines/testing';
import { gzipHeader, gzipTrailer } from '../../src/gzipFrame';

const BYTES = textBytes(200 * 1024);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-gzip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('gzip framing', () => {
  it.each([1, 6, 9])(
    'wraps raw deflate into a member gzip -t accepts and gunzips byte for byte (level %i)',
    (level) => {
      // Prepare
      const archive = join(dir, 'a.gz');
      const member = Buffer.concat([
        gzipHeader(level),
        deflateRawSync(BYTES, { level }),
        gzipTrailer(crc32(BYTES), BYTES.length),
      ]);

      // Act
      writeFileSync(archive, member);

      // Assess
      expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
      expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
      writeFileSync(join(dir, 'original'), BYTES);
      expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
    },
  );

  it.each([1, 6, 9])('writes the header bytes zlib writes (level %i)', (level) => {
    // Assess: zlib's gzip is the other implementation of the same header.
    expect(gzipHeader(level)).toEqual(gzipSync(Buffer.alloc(0), { level }).subarray(0, 10));
  });

  it('puts the CRC-32 and size in the trailer as the gzip tool computes them', () => {
    // Prepare: the gzip tool's own trailer for the same bytes.
    writeFileSync(join(dir, 'original'), BYTES);
    const byTool = Buffer.from(
      tool('sh', [
        '-c',
        'gzip -c -- "$1" | tail -c 8 | xxd -p',
        'sh',
        join(dir, 'original'),
      ]).stdout.trim(),
      'hex',
    );

    // Act
    const trailer = gzipTrailer(crc32(BYTES), BYTES.length);

    // Assess
    expect(trailer).toEqual(byTool);
  });

  it('keeps the size modulo 2^32 past 4 GiB (RFC 1952 ISIZE)', () => {
    // Act
    const trailer = gzipTrailer(0xdeadbeef, 5 * 1024 ** 3 + 7);

    // Assess
    expect(trailer.readUInt32LE(0)).toBe(0xdeadbeef);
    expect(trailer.readUInt32LE(4)).toBe(1024 ** 3 + 7);
  });
});
