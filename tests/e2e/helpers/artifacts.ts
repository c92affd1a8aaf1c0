import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
export const DIST = join(ROOT, 'dist');
const SOURCES = [
  'packages/s3-stream/src',
  'packages/checksum/src',
  'packages/metadata/src',
  'scripts',
];
const ARTIFACTS = ['layers/s3-stream.zip', 'functions/checksum.zip', 'functions/metadata.zip'];

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Runs scripts/build.ts when an artifact is missing or older than the code it is built from. */
export function ensureBuilt(): void {
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  const stale = ARTIFACTS.some((a) => {
    const path = join(DIST, a);
    return !existsSync(path) || statSync(path).mtimeMs < sources;
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
