/**
 * Builds the s3-stream layer: `nodejs/node_modules/@s3-pipelines/s3-stream/` holding one bundled
 * `index.js` (the package with zod, Powertools Logger and, by default, a pinned AWS SDK) and a
 * package.json, as Lambda resolves /opt/nodejs/node_modules. scripts/build.ts calls it.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_OPTIONS } from '../../scripts/lib/bundleOptions';
import { writeDeterministicZip, type ZipEntry } from '../../scripts/lib/zip';

const root = join(__dirname, '..', '..');
export const LAYER_PACKAGE = '@s3-pipelines/s3-stream';

/**
 * `sdk`: `bundled` ships the pinned SDK inside the layer (the default; README "Layer and SDK");
 * `runtime` leaves @aws-sdk/* to the copy in Lambda's runtime.
 */
export async function buildS3StreamLayer(
  layersDir: string,
  sdk: 'bundled' | 'runtime',
): Promise<string> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(root, 'packages', 's3-stream', 'src', 'index.ts')],
    outfile: 'index.js',
    external: sdk === 'runtime' ? ['@aws-sdk/*', '@smithy/*'] : [],
    legalComments: 'eof',
  });
  const pkg = JSON.parse(readFileSync(join(root, 'packages', 's3-stream', 'package.json'), 'utf8'));
  const base = `nodejs/node_modules/${LAYER_PACKAGE}`;
  const manifest = { name: LAYER_PACKAGE, version: pkg.version, main: 'index.js', sdk };
  const entries: ZipEntry[] = [
    { name: `${base}/index.js`, data: Buffer.from(result.outputFiles![0]!.contents) },
    { name: `${base}/package.json`, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
  ];
  const path = join(layersDir, 's3-stream.zip');
  await writeDeterministicZip(path, entries);
  return path;
}
