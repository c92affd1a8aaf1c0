import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a GNU coreutils digest tool (`md5sum`, `sha256sum`, ...) on `bytes` saved as `name` in a
 * temp directory, and returns its output line. This is the outside reference our output must match.
 */
export function coreutilsLine(tool: string, name: string, bytes: Buffer | string): string {
  const dir = mkdtempSync(join(tmpdir(), 'checksum-unit-'));
  try {
    writeFileSync(join(dir, name), bytes);
    return execFileSync(tool, ['--', name], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hex digest `tool` prints for `bytes`. */
export function coreutilsHex(tool: string, bytes: Buffer | string): string {
  return coreutilsLine(tool, 'data.bin', bytes).slice(0, -'  data.bin\n'.length);
}
