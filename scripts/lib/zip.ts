import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** DOS time cannot go below 1980; any fixed instant makes the bytes reproducible. */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/**
 * Writes a zip whose bytes depend only on the entries: sorted names, one fixed timestamp, fixed
 * permissions. Terraform hashes the zip, so a rebuild of unchanged code must not change it.
 */
export async function writeDeterministicZip(path: string, entries: ZipEntry[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const zip = new ZipFile();
  for (const entry of [...entries].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    zip.addBuffer(entry.data, entry.name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
}
