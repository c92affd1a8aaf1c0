import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const DIST = join(ROOT, 'dist');

/** Every function package (one with src/handler.ts) becomes dist/functions/<name>.zip. */
function functionNames(): string[] {
  return readdirSync(join(ROOT, 'packages')).filter((name) =>
    existsSync(join(ROOT, 'packages', name, 'src', 'handler.ts')),
  );
}

function artifacts(): string[] {
  return [
    'layers/s3-stream.zip',
    'layers/sharp-x86_64.zip',
    'layers/sharp-arm64.zip',
    ...functionNames().map((name) => `functions/${name}.zip`),
  ];
}

function sources(): string[] {
  return [
    'packages/s3-stream/src',
    'layers',
    'scripts',
    ...functionNames().map((n) => `packages/${n}/src`),
  ];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Runs scripts/build.ts when an artifact is missing or older than the code it is built from, so
 * an e2e file also works on its own (`npm test` builds before the tests anyway).
 */
export function ensureBuilt(): void {
  const newestSource = Math.max(...sources().map((s) => newestMtime(join(ROOT, s))));
  const stale = artifacts().some((a) => {
    const path = join(DIST, a);
    return !existsSync(path) || statSync(path).mtimeMs < newestSource;
  });
  if (!stale) return;
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'build.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0) {
    throw new Error(`scripts/build.ts failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
}
