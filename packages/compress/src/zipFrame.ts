/**
 * The records of a zip holding one entry whose data is streamed (APPNOTE.TXT 6.3): a local file
 * header with "sizes follow in a data descriptor" (bit 3), the entry's data (deflate or stored),
 * the data descriptor, the central directory record, and the end of central directory, with the
 * Zip64 forms where a size or an offset needs them.
 *
 * The blocks engine writes its own zip because it hands over deflate data it made itself (yazl
 * only compresses). The fields follow yazl's (UTF-8 name, Unix mode 0664, version made by 6.3,
 * "UT" mtime in the central directory), so both engines' archives list alike in `unzip -Z`.
 * Unlike yazl, a Zip64 entry also gets the Zip64 extra field in its local header, so that
 * streaming readers know its data descriptor holds 8-byte sizes.
 *
 * The end of central directory carries the archive comment (zipComment): the one field of a
 * zip that comes after the data, where the original's MD5 is known.
 */

/**
 * The archive comment both engines write: the original's MD5, which is known only once the data
 * has streamed. Recorded in the zip's last record rather than by rewriting the metadata, which
 * would be a second write of the archive (and a second ObjectCreated event). `unzip -z` prints it.
 */
export function zipComment(md5: string): string {
  return `original-md5=${md5}`;
}

export interface ZipEntry {
  /** Entry name (see keys.ts entryName); written as UTF-8 with the UTF-8 flag. */
  name: string;
  mtime: Date;
  /** 8 = deflate, 0 = stored. */
  method: 0 | 8;
  /** Zip64 sizes for the entry: decided before its data, see needsZip64. */
  zip64: boolean;
}

export interface ZipTotals {
  crc: number;
  /** Bytes of entry data written (compressed size). */
  packed: number;
  /** Bytes of the original. */
  size: number;
}

const LOCAL_FILE_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_DIRECTORY = 0x02014b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED_UTF8 = 20;
const VERSION_NEEDED_ZIP64 = 45;
const VERSION_MADE_BY = (3 << 8) | 63; // Unix, APPNOTE 6.3
const FLAGS = (1 << 11) | (1 << 3); // UTF-8 name; CRC and sizes in a data descriptor
const FILE_MODE = 0o100664;
/** A 32-bit field holding this says "see the Zip64 record". */
const ZIP64_MARK = 0xffffffff;
/** Largest value a 32-bit field holds as itself (yazl's limit too). */
const MAX_32 = 0xfffffffe;

function writeUInt64LE(buffer: Buffer, value: number, offset: number): void {
  buffer.writeUInt32LE(value % 2 ** 32, offset);
  buffer.writeUInt32LE(Math.floor(value / 2 ** 32), offset + 4);
}

/** MS-DOS date and time in the local time zone, clamped to 1980-2107, as yazl writes them. */
export function dosDateTime(date: Date): { date: number; time: number } {
  const min = new Date(1980, 0, 1);
  const max = new Date(2107, 11, 31, 23, 59, 58);
  const d = date < min ? min : date > max ? max : date;
  return {
    date:
      (d.getDate() & 0x1f) | (((d.getMonth() + 1) & 0xf) << 5) | ((d.getFullYear() - 1980) << 9),
    time: Math.floor(d.getSeconds() / 2) | (d.getMinutes() << 5) | (d.getHours() << 11),
  };
}

/**
 * Whether an entry of `size` bytes needs Zip64 sizes: its size, or the most its deflate data can
 * be (`maxPacked`), does not fit in 32 bits. Decided up front because the local header comes
 * before the data.
 */
export function needsZip64(size: number, maxPacked: number): boolean {
  return size > MAX_32 || maxPacked > MAX_32;
}

export function localFileHeader(entry: ZipEntry): Buffer {
  const name = Buffer.from(entry.name, 'utf8');
  const extra = entry.zip64 ? Buffer.alloc(20) : Buffer.alloc(0);
  if (entry.zip64) {
    // Zip64 extended information: sizes 0 here, the data descriptor has them (APPNOTE 4.3.9).
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
  }
  const { date, time } = dosDateTime(entry.mtime);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_FILE_HEADER, 0);
  header.writeUInt16LE(entry.zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED_UTF8, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(time, 10);
  header.writeUInt16LE(date, 12);
  header.writeUInt32LE(0, 14); // CRC-32: in the data descriptor
  header.writeUInt32LE(entry.zip64 ? ZIP64_MARK : 0, 18);
  header.writeUInt32LE(entry.zip64 ? ZIP64_MARK : 0, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

/**
 * Everything after the entry's data: data descriptor, central directory record, (Zip64 end of
 * central directory record and locator,) end of central directory. `dataStart` is where the
 * entry's data began (the local header's length: the entry starts at offset 0).
 */
export function zipEnd(
  entry: ZipEntry,
  totals: ZipTotals,
  dataStart: number,
  comment = '',
): Buffer {
  const { crc, packed, size } = totals;
  if (!entry.zip64 && (packed > MAX_32 || size > MAX_32)) {
    // needsZip64 bounds what deflate can produce, so this is a bug, not bad input.
    throw new Error(
      `zip entry of ${size} bytes (${packed} packed) needs Zip64 but was not given it`,
    );
  }
  const descriptor = Buffer.alloc(entry.zip64 ? 24 : 16);
  descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
  descriptor.writeUInt32LE(crc >>> 0, 4);
  if (entry.zip64) {
    writeUInt64LE(descriptor, packed, 8);
    writeUInt64LE(descriptor, size, 16);
  } else {
    descriptor.writeUInt32LE(packed, 8);
    descriptor.writeUInt32LE(size, 12);
  }

  const name = Buffer.from(entry.name, 'utf8');
  const { date, time } = dosDateTime(entry.mtime);
  // "UT" extended timestamp, mtime only, as yazl (and Info-ZIP) write it in the central record.
  const timestamp = Buffer.alloc(9);
  timestamp.writeUInt16LE(0x5455, 0);
  timestamp.writeUInt16LE(5, 2);
  timestamp.writeUInt8(0b11, 4); // mtime present; atime flag set as Info-ZIP sets it
  timestamp.writeInt32LE(
    Math.max(-0x80000000, Math.min(0x7fffffff, Math.floor(entry.mtime.getTime() / 1000))),
    5,
  );
  const zip64Extra = entry.zip64 ? Buffer.alloc(28) : Buffer.alloc(0);
  if (entry.zip64) {
    zip64Extra.writeUInt16LE(0x0001, 0);
    zip64Extra.writeUInt16LE(24, 2);
    writeUInt64LE(zip64Extra, size, 4);
    writeUInt64LE(zip64Extra, packed, 12);
    writeUInt64LE(zip64Extra, 0, 20); // offset of the local header
  }
  const central = Buffer.alloc(46);
  central.writeUInt32LE(CENTRAL_DIRECTORY, 0);
  central.writeUInt16LE(VERSION_MADE_BY, 4);
  central.writeUInt16LE(entry.zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED_UTF8, 6);
  central.writeUInt16LE(FLAGS, 8);
  central.writeUInt16LE(entry.method, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(entry.zip64 ? ZIP64_MARK : packed, 20);
  central.writeUInt32LE(entry.zip64 ? ZIP64_MARK : size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt16LE(timestamp.length + zip64Extra.length, 30);
  central.writeUInt16LE(0, 32); // comment length
  central.writeUInt16LE(0, 34); // disk number start
  central.writeUInt16LE(0, 36); // internal attributes
  central.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
  central.writeUInt32LE(entry.zip64 ? ZIP64_MARK : 0, 42);
  const directory = Buffer.concat([central, name, timestamp, zip64Extra]);

  const directoryOffset = dataStart + packed + descriptor.length;
  const zip64End = directoryOffset + directory.length;
  const needZip64End = directoryOffset > MAX_32;
  const records: Buffer[] = [descriptor, directory];
  if (needZip64End) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_END_OF_CENTRAL_DIRECTORY, 0);
    writeUInt64LE(record, 56 - 12, 4);
    record.writeUInt16LE(VERSION_MADE_BY, 12);
    record.writeUInt16LE(VERSION_NEEDED_ZIP64, 14);
    record.writeUInt32LE(0, 16); // this disk
    record.writeUInt32LE(0, 20); // disk with the central directory
    writeUInt64LE(record, 1, 24); // entries on this disk
    writeUInt64LE(record, 1, 32); // entries in all
    writeUInt64LE(record, directory.length, 40);
    writeUInt64LE(record, directoryOffset, 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_END_LOCATOR, 0);
    locator.writeUInt32LE(0, 4);
    writeUInt64LE(locator, zip64End, 8);
    locator.writeUInt32LE(1, 16); // disks in all
    records.push(record, locator);
  }
  // ASCII only (zipComment), so its UTF-8 bytes are its CP437 bytes, as yazl writes it.
  const text = Buffer.from(comment, 'utf8');
  const end = Buffer.alloc(22 + text.length);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(needZip64End ? ZIP64_MARK : directoryOffset, 16);
  end.writeUInt16LE(text.length, 20);
  text.copy(end, 22);
  records.push(end);
  return Buffer.concat(records);
}
