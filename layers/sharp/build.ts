/**
 * Builds the sharp Lambda layers, one per CPU architecture, from the npm registry's prebuilt
 * packages (`sharp`, `@img/sharp-linux-<cpu>`, `@img/sharp-libvips-linux-<cpu>`, glibc):
 *
 *   dist/layers/sharp-x86_64.zip   nodejs/node_modules/{sharp,@img/...,detect-libc,semver}
 *   dist/layers/sharp-arm64.zip
 *
 * sharp and its dependencies are pinned to the versions the workspace resolved for
 * packages/image-resize (pnpm-lock.yaml), so the same lockfile gives byte-identical zips. Each
 * install is cached under .tools/cache/sharp-layer/, keyed by those versions and the CPU, so a
 * rebuild with nothing changed runs no npm at all. The layer for the build machine's CPU is
 * extracted and loaded (`require('sharp')` with NODE_PATH, as Lambda sets it) before it is kept.
 *
 * usage: tsx layers/sharp/build.ts [--out=dist]   (scripts/build.ts calls buildSharpLayers too)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import yauzl from 'yauzl';
import { writeDeterministicZip, type ZipEntry } from '../../scripts/lib/zip';

const root = join(__dirname, '..', '..');
const FUNCTION_PACKAGE = join(root, 'packages', 'image-resize');
const CACHE = join(root, '.tools', 'cache', 'sharp-layer');

/** Lambda architecture name -> npm's `--cpu`. */
export const SHARP_TARGETS = { x86_64: 'x64', arm64: 'arm64' } as const;
export type LambdaArchitecture = keyof typeof SHARP_TARGETS;

/** Not needed at run time: C++ sources for building from source, npm's bookkeeping. */
const PRUNED = [/^\.bin\//, /^\.package-lock\.json$/, /^sharp\/src\//, /^sharp\/install\//];

/** The exact versions the workspace installed: sharp and the dependencies it resolved. */
export function pinnedPackages(): string[] {
  const sharpDir = realpathSync(join(FUNCTION_PACKAGE, 'node_modules', 'sharp'));
  const sharp = JSON.parse(readFileSync(join(sharpDir, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const dependencies = Object.keys(sharp.dependencies ?? {}).map((name) => {
    // A sibling of sharp (pnpm's layout, and npm's hoisted one), or nested under it.
    const candidates = [join(sharpDir, '..', name), join(sharpDir, 'node_modules', name)];
    const dir = candidates.find((c) => existsSync(join(c, 'package.json')));
    if (!dir) throw new Error(`sharp's dependency ${name} is not installed: run pnpm install`);
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
    };
    return `${name}@${version}`;
  });
  return [`sharp@${sharp.version}`, ...dependencies.sort()];
}

function npmVersion(): number[] {
  const out = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
  return out.split('.').map(Number);
}

/**
 * `npm install --os=linux --cpu=<cpu> --libc=glibc` into a cache directory named after exactly
 * what it holds; a finished install is never repeated.
 */
function installed(cpu: string, packages: string[]): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ cpu, packages }))
    .digest('hex')
    .slice(0, 16);
  const dir = join(CACHE, `linux-${cpu}-glibc-${key}`);
  if (existsSync(join(dir, '.complete'))) return dir;

  const [major = 0, minor = 0] = npmVersion();
  if (major < 10 || (major === 10 && minor < 4))
    throw new Error(`npm >= 10.4 is needed for --os/--cpu/--libc; found ${major}.${minor}`);
  mkdirSync(CACHE, { recursive: true });
  const staging = mkdtempSync(join(CACHE, '.staging-'));
  const run = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      staging,
      '--os=linux',
      `--cpu=${cpu}`,
      '--libc=glibc',
      '--omit=dev',
      '--omit=peer',
      '--ignore-scripts',
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...packages,
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install for linux-${cpu} failed:\n${run.stdout}\n${run.stderr}`);
  }
  writeFileSync(join(staging, '.complete'), `${packages.join('\n')}\n`);
  try {
    renameSync(staging, dir);
  } catch (error) {
    // A concurrent build got there first; its install is the same.
    if (!existsSync(join(dir, '.complete'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

function filesUnder(dir: string, base = dir): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) continue; // only npm's .bin links; Lambda layers need none
    if (stat.isDirectory()) files.push(...filesUnder(path, base));
    else files.push(relative(base, path).split('\\').join('/'));
  }
  return files;
}

/** The layer's entries: `nodejs/node_modules/...`, pruned, for one CPU only. */
export function layerEntries(nodeModules: string, cpu: string): ZipEntry[] {
  const files = filesUnder(nodeModules).filter((f) => !PRUNED.some((p) => p.test(f)));
  const required = [
    `@img/sharp-linux-${cpu}/package.json`,
    `@img/sharp-libvips-linux-${cpu}/package.json`,
  ];
  for (const file of required)
    if (!files.includes(file)) throw new Error(`the linux-${cpu} install has no ${file}`);
  const foreign = files.filter(
    (f) =>
      f.startsWith('@img/sharp-') &&
      !f.startsWith(`@img/sharp-linux-${cpu}/`) &&
      !f.startsWith(`@img/sharp-libvips-linux-${cpu}/`),
  );
  if (foreign.length) throw new Error(`the linux-${cpu} install holds ${foreign[0]}`);
  return files.map((f) => ({
    name: `nodejs/node_modules/${f}`,
    data: readFileSync(join(nodeModules, f)),
  }));
}

async function extract(zipPath: string, target: string): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(zipPath, { lazyEntries: true }, (error, file) => (error ? fail(error) : ok(file))),
  );
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', done);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', fail);
        stream.on('end', () => {
          const out = resolve(target, entry.fileName);
          mkdirSync(dirname(out), { recursive: true });
          writeFileSync(out, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
}

/**
 * Loads the layer the way Lambda would (NODE_PATH=/opt/nodejs/node_modules), in a fresh node,
 * and checks that it decodes JPEG and encodes the default output formats.
 */
export async function verifyLayer(zipPath: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sharp-layer-'));
  try {
    await extract(zipPath, dir);
    const probe = `
      const sharp = require('sharp');
      const f = sharp.format;
      const missing = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']
        .filter((n) => !f[n] || !f[n].input.buffer)
        .concat(['jpeg', 'png', 'webp', 'heif'].filter((n) => !f[n].output.buffer));
      if (missing.length) throw new Error('missing formats: ' + missing.join(', '));
      sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).avif().toBuffer()
        .then(() => console.log('sharp ' + sharp.versions.sharp + ', libvips ' + sharp.versions.vips));`;
    const run = spawnSync(process.execPath, ['-e', probe], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NODE_PATH: join(dir, 'nodejs', 'node_modules') },
    });
    if (run.status !== 0)
      throw new Error(`${zipPath} does not load: ${run.stderr.trim() || run.stdout.trim()}`);
    return run.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The architecture whose layer this machine can load, if any. */
export function hostArchitecture(): LambdaArchitecture | undefined {
  if (process.platform !== 'linux') return undefined;
  return process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'arm64' : undefined;
}

/** Writes `<layersDir>/sharp-<arch>.zip` for every architecture; returns their paths. */
export async function buildSharpLayers(layersDir: string): Promise<string[]> {
  const packages = pinnedPackages();
  const paths: string[] = [];
  for (const [arch, cpu] of Object.entries(SHARP_TARGETS) as [LambdaArchitecture, string][]) {
    const dir = installed(cpu, packages);
    const path = join(layersDir, `sharp-${arch}.zip`);
    // Written aside and renamed into place: a concurrent reader never sees half a zip.
    const partial = `${path}.${process.pid}.partial`;
    await writeDeterministicZip(partial, layerEntries(join(dir, 'node_modules'), cpu));
    if (arch === hostArchitecture()) await verifyLayer(partial);
    renameSync(partial, path);
    paths.push(path);
  }
  return paths;
}

if (require.main === module) {
  const out = /--out=(\S+)/.exec(process.argv.slice(2).join(' '))?.[1] ?? 'dist';
  buildSharpLayers(join(resolve(root, out), 'layers')).then(
    (paths) => paths.forEach((p) => console.log(`built ${relative(root, p)}`)),
    (error: unknown) => {
      console.error(`sharp layer build failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
