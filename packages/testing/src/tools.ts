import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a real coreutils tool prints for these bytes: the expected value never comes from us. */
export function digestWithTool(tool: 'md5sum' | 'sha256sum', bytes: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 's3p-'));
  try {
    const file = join(dir, 'data');
    writeFileSync(file, bytes);
    return execFileSync(tool, [file], { encoding: 'utf8' }).split(' ')[0]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
