import type { BuildOptions } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** How every Lambda bundle is built: one CommonJS file for Node 22, reproducible byte for byte. */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  write: false,
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};

/**
 * Module aliases a function declares in its package.json (`s3Pipelines.alias`: module name ->
 * path relative to the package), applied wherever its code is bundled.
 */
export function functionAliases(packageDir: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const alias: Record<string, string> = pkg.s3Pipelines?.alias ?? {};
  return Object.fromEntries(
    Object.entries(alias).map(([name, path]) => [name, resolve(packageDir, path)]),
  );
}
