/**
 * Builds every deployable artifact into dist/:
 *   dist/functions/<name>.zip  one esbuild bundle per function (index.js, handler index.handler)
 *   dist/layers/s3-stream.zip  the shared package in Lambda's layout (layers/s3-stream/build.ts)
 *   dist/layers/sharp-<arch>.zip  sharp for image-resize, per CPU (layers/sharp/build.ts)
 * Builds are deterministic, and each artifact's size is printed.
 *
 * usage: tsx scripts/build.ts [--sdk=bundled|runtime] [--out=dist]
 */
import { build } from 'esbuild';
import { readdirSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LAYER_PACKAGE, buildS3StreamLayer } from '../layers/s3-stream/build';
import { buildSharpLayers } from '../layers/sharp/build';
import { BUNDLE_OPTIONS, functionAliases } from './lib/bundleOptions';
import { writeDeterministicZip } from './lib/zip';

const root = join(__dirname, '..');
const args = new Map(
  process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]),
);
const outDir = resolve(root, args.get('out') ?? 'dist');
/** `bundled` ships the pinned SDK in the layer (the default; see README "Layer and SDK"). */
const sdk = (args.get('sdk') ?? 'bundled') as 'bundled' | 'runtime';
if (sdk !== 'bundled' && sdk !== 'runtime')
  throw new Error(`--sdk must be bundled or runtime, not ${sdk}`);

const NOT_FUNCTIONS = new Set(['s3-stream', 'local-stack']);

interface FunctionManifest {
  /** Extra modules a function takes from its own layers (e.g. sharp). */
  layerModules?: string[];
}

function functionNames(): string[] {
  return readdirSync(join(root, 'packages'))
    .filter((name) => !NOT_FUNCTIONS.has(name))
    .filter((name) => existsSync(join(root, 'packages', name, 'src', 'handler.ts')))
    .sort();
}

function manifest(name: string): FunctionManifest {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
  return (pkg.s3Pipelines ?? {}) as FunctionManifest;
}

function size(path: string): string {
  return `${(statSync(path).size / 1024).toFixed(1)} KiB`;
}

/** What the s3-stream layer bundles inside itself: functions reach these only through it. */
function layerInternals(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', 's3-stream', 'package.json'), 'utf8'));
  return Object.keys(pkg.dependencies ?? {});
}

async function buildFunction(name: string): Promise<string> {
  // Modules resolved at run time from /opt/nodejs/node_modules: the layer package itself and any
  // module a function's own layer ships (sharp).
  const fromLayers = [LAYER_PACKAGE, ...(manifest(name).layerModules ?? [])];
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(root, 'packages', name, 'src', 'handler.ts')],
    outfile: 'index.js',
    external: fromLayers.flatMap((m) => [m, `${m}/*`]),
    alias: functionAliases(join(root, 'packages', name)),
  });
  // The SDK, zod and Powertools live inside the layer's bundle, not as modules Lambda can
  // resolve: a function importing one directly would get a second copy (or none at all). Its
  // own small dependencies (declared in its package.json, like yazl) may be bundled.
  const direct = Object.keys(result.metafile!.inputs).filter((input) =>
    layerInternals().some((m) => input.includes(`node_modules/${m}/`)),
  );
  if (direct.length > 0) {
    throw new Error(
      `${name} imports what it must take from @s3-pipelines/s3-stream: ${direct.slice(0, 5).join(', ')}`,
    );
  }
  const path = join(outDir, 'functions', `${name}.zip`);
  await writeDeterministicZip(path, [
    { name: 'index.js', data: Buffer.from(result.outputFiles![0]!.contents) },
  ]);
  return path;
}

async function main(): Promise<void> {
  const layersDir = join(outDir, 'layers');
  const artifacts = [
    await buildS3StreamLayer(layersDir, sdk),
    ...(await buildSharpLayers(layersDir)),
  ];
  for (const name of functionNames()) artifacts.push(await buildFunction(name));
  for (const path of artifacts) console.log(`built ${relative(root, path)}  ${size(path)}`);
}

main().catch((error: unknown) => {
  console.error(`build failed: ${(error as Error).message}`);
  process.exit(1);
});
