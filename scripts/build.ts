/**
 * Builds every deployable artifact into dist/:
 *   dist/functions/<name>.zip  one esbuild bundle per function (index.js, handler index.handler)
 *   dist/layers/s3-stream.zip  the shared package in Lambda's nodejs/node_modules layout
 *   dist/layers/sharp-<arch>.zip  sharp for image-resize, per CPU (layers/sharp/build.ts)
 * Builds are deterministic, and each artifact's size is printed.
 *
 * usage: tsx scripts/build.ts [--sdk=bundled|runtime] [--out=dist]
 */
import { build, type BuildOptions } from 'esbuild';
import { readdirSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { buildSharpLayers } from '../layers/sharp/build';
import { writeDeterministicZip, type ZipEntry } from './lib/zip';

const root = join(__dirname, '..');
const args = new Map(
  process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]),
);
const outDir = resolve(root, args.get('out') ?? 'dist');
/** `bundled` ships the pinned SDK in the layer (the default; see README "Layer and SDK"). */
const sdk = args.get('sdk') ?? 'bundled';
if (sdk !== 'bundled' && sdk !== 'runtime')
  throw new Error(`--sdk must be bundled or runtime, not ${sdk}`);

const LAYER_PACKAGE = '@s3-pipelines/s3-stream';
const NOT_FUNCTIONS = new Set(['s3-stream', 'local-stack']);

const common: BuildOptions = {
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

/** The layer package and everything it depends on: functions get these from the layer. */
function layerProvided(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', 's3-stream', 'package.json'), 'utf8'));
  return [LAYER_PACKAGE, ...Object.keys(pkg.dependencies ?? {})];
}

async function buildFunction(name: string): Promise<string> {
  const fromLayers = [...layerProvided(), ...(manifest(name).layerModules ?? [])];
  const result = await build({
    ...common,
    entryPoints: [join(root, 'packages', name, 'src', 'handler.ts')],
    outfile: 'index.js',
    external: fromLayers.flatMap((m) => [m, `${m}/*`]),
  });
  // What a layer provides must never be bundled again: a second copy would shadow the layer's.
  // A function's own small dependencies (declared in its package.json) may be bundled.
  const duplicated = Object.keys(result.metafile!.inputs).filter((input) =>
    fromLayers.some((m) => input.includes(`node_modules/${m}/`)),
  );
  if (duplicated.length > 0) {
    throw new Error(`${name} bundles code its layers provide: ${duplicated.join(', ')}`);
  }
  const path = join(outDir, 'functions', `${name}.zip`);
  await writeDeterministicZip(path, [
    { name: 'index.js', data: Buffer.from(result.outputFiles![0]!.contents) },
  ]);
  return path;
}

async function buildLayer(): Promise<string> {
  const result = await build({
    ...common,
    entryPoints: [join(root, 'packages', 's3-stream', 'src', 'index.ts')],
    outfile: 'index.js',
    external: sdk === 'runtime' ? ['@aws-sdk/*', '@smithy/*'] : [],
    legalComments: 'eof',
  });
  const pkg = JSON.parse(readFileSync(join(root, 'packages', 's3-stream', 'package.json'), 'utf8'));
  const base = `nodejs/node_modules/${LAYER_PACKAGE}`;
  const entries: ZipEntry[] = [
    { name: `${base}/index.js`, data: Buffer.from(result.outputFiles![0]!.contents) },
    {
      name: `${base}/package.json`,
      data: Buffer.from(
        `${JSON.stringify({ name: LAYER_PACKAGE, version: pkg.version, main: 'index.js', sdk }, null, 2)}\n`,
      ),
    },
  ];
  const path = join(outDir, 'layers', 's3-stream.zip');
  await writeDeterministicZip(path, entries);
  return path;
}

async function main(): Promise<void> {
  const artifacts = [await buildLayer(), ...(await buildSharpLayers(join(outDir, 'layers')))];
  for (const name of functionNames()) artifacts.push(await buildFunction(name));
  for (const path of artifacts) console.log(`built ${relative(root, path)}  ${size(path)}`);
}

main().catch((error: unknown) => {
  console.error(`build failed: ${(error as Error).message}`);
  process.exit(1);
});
