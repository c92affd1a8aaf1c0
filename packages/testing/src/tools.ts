import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a GNU coreutils digest tool (`md5sum`, `sha256sum`, ...) on `bytes` saved as `name` in a
 * temp directory, and returns its output line, in the format `md5sum -c` reads.
 */
export function coreutilsLine(tool: string, name: string, bytes: Buffer | string): string {
  const dir = mkdtempSync(join(tmpdir(), 's3p-'));
  try {
    writeFileSync(join(dir, name), bytes);
    return execFileSync(tool, ['--', name], { cwd: dir, encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The hex digest a coreutils tool prints for these bytes: the expected value never comes from us. */
export function digestWithTool(tool: string, bytes: Buffer | string): string {
  return coreutilsLine(tool, 'data.bin', bytes).split(' ')[0]!;
}
