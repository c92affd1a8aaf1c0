import type { BuildOptions } from 'esbuild';

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
