import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { readAll, textBytes, tool } from '@s3-pipelines/testing';
import {
  dosDateTime,
  localFileHeader,
  needsZip64,
  zipEnd,
  type ZipEntry,
} from '../../src/zipFrame';

const MTIME = new Date(2024, 4, 6, 7, 8, 10);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-zip-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** One entry's zip, from the frame functions around `data` (deflate or stored bytes). */
function zipOf(entry: ZipEntry, original: Buffer, data: Buffer): Buffer {
  const header = localFileHeader(entry);
  const end = zipEnd(
    entry,
    { crc: crc32(original), packed: data.length, size: original.length },
    header.length,
  );
  return Buffer.concat([header, data, end]);
}

/** Every entry yauzl (an independent zip reader) finds, with its bytes; it checks the sizes. */
function readWithYauzl(zip: Buffer): Promise<{ name: string; zip64: boolean; bytes: Buffer }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error, file) => {
      if (error || !file) return reject(error);
      const entries: { name: string; zip64: boolean; bytes: Buffer }[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (openError, stream) => {
          if (openError || !stream) return reject(openError);
          readAll(stream).then((bytes) => {
            const zip64 = entry.extraFields.some((field) => field.id === 0x0001);
            entries.push({ name: entry.fileName, zip64, bytes });
            file.readEntry();
          }, reject);
        });
      });
      file.on('end', () => resolve(entries));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

describe('zip framing', () => {
  it.each([
    ['deflate', 8, false],
    ['stored', 0, false],
    ['deflate, Zip64', 8, true],
    ['stored, Zip64', 0, true],
  ] as const)(
    'frames one entry that unzip -t and yauzl read byte for byte (%s)',
    async (_label, method, zip64) => {
      // Prepare
      const original = textBytes(150 * 1024);
      const data = method === 8 ? deflateRawSync(original) : original;
      const archive = join(dir, 'a.zip');
      const entry: ZipEntry = { name: 'report.csv', mtime: MTIME, method, zip64 };

      // Act
      const zip = zipOf(entry, original, data);
      writeFileSync(archive, zip);

      // Assess
      expect(tool('unzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
      const listing = tool('unzip', ['-Z', '-l', archive]).stdout;
      expect(listing).toMatch(method === 8 ? / defN / : / stor /);
      expect(listing).toMatch(/24-May-06 07:08 report\.csv/);
      const [read, ...more] = await readWithYauzl(zip);
      expect(more).toEqual([]);
      expect(read).toMatchObject({ name: 'report.csv', zip64 });
      expect(read!.bytes.equals(original)).toBe(true);
    },
  );

  it('names the entry in UTF-8, flagged as such', async () => {
    // Prepare
    const name = 'naïve 東京 файл #1 & 50%.txt';
    const original = Buffer.from('unicode\n');
    const entry: ZipEntry = { name, mtime: MTIME, method: 0, zip64: false };

    // Act
    const zip = zipOf(entry, original, original);

    // Assess
    expect((await readWithYauzl(zip)).map((e) => e.name)).toEqual([name]);
  });

  it('holds an empty entry', async () => {
    // Prepare
    const archive = join(dir, 'a.zip');
    const entry: ZipEntry = { name: 'empty.bin', mtime: MTIME, method: 0, zip64: false };

    // Act
    writeFileSync(archive, zipOf(entry, Buffer.alloc(0), Buffer.alloc(0)));

    // Assess
    expect(tool('unzip', ['-t', archive]).status).toBe(0);
  });

  it('refuses to write 32-bit sizes that do not fit', () => {
    // Prepare
    const entry: ZipEntry = { name: 'x', mtime: MTIME, method: 0, zip64: false };

    // Act
    const act = (): unknown => zipEnd(entry, { crc: 0, packed: 2 ** 32, size: 2 ** 32 }, 30);

    // Assess
    expect(act).toThrow(/needs Zip64/);
  });

  it('decides Zip64 from the size, or from what deflate might make of it', () => {
    // Assess
    expect(needsZip64(0xfffffffe, 0xfffffffe)).toBe(false);
    expect(needsZip64(0xffffffff, 0xffffffff)).toBe(true);
    expect(needsZip64(0xfff00000, 0xffffffff)).toBe(true);
  });

  it('clamps the MS-DOS time to 1980 and keeps the true mtime in the UT field', () => {
    // Prepare
    const archive = join(dir, 'a.zip');
    const entry: ZipEntry = { name: 'old', mtime: new Date(0), method: 0, zip64: false };

    // Act
    writeFileSync(archive, zipOf(entry, Buffer.from('x'), Buffer.from('x')));

    // Assess
    const details = tool('unzip', ['-Z', '-v', archive]).stdout;
    expect(details).toMatch(/file last modified on \(DOS date\/time\):\s+1980 Jan 1 00:00:00/);
    expect(details).toMatch(
      /file last modified on \(UT extra field modtime\): 19(69 Dec 31|70 Jan 1) /,
    );
    expect(dosDateTime(new Date(1980, 0, 1))).toEqual({ date: (1 << 5) | 1, time: 0 });
  });

  it('stores incompressible bytes of any size, which unzip reads back', () => {
    // Prepare
    const original = randomBytes(300 * 1024);
    const archive = join(dir, 'a.zip');
    const entry: ZipEntry = { name: 'r.bin', mtime: MTIME, method: 0, zip64: false };

    // Act
    writeFileSync(archive, zipOf(entry, original, original));

    // Assess
    expect(tool('unzip', ['-t', archive]).status).toBe(0);
    writeFileSync(join(dir, 'original'), original);
    const compared = tool('sh', [
      '-c',
      'unzip -p "$1" | cmp - "$2"',
      'sh',
      archive,
      join(dir, 'original'),
    ]);
    expect(compared.status).toBe(0);
  });
});
