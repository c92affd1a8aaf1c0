import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { LocalStackError, MissingArtifactError } from './errors';

/** Extracts a zip as Lambda does before a cold start: every file, directories implied. */
export async function extractZip(zipPath: string, targetDir: string): Promise<void> {
  if (!existsSync(zipPath)) throw new MissingArtifactError(zipPath);
  const root = resolve(targetDir);
  mkdirSync(root, { recursive: true });
  const zip = await new Promise<yauzl.ZipFile>((ok, fail) =>
    yauzl.open(zipPath, { lazyEntries: true }, (error, file) => (error ? fail(error) : ok(file))),
  );
  try {
    await new Promise<void>((done, fail) => {
      zip.on('error', fail);
      zip.on('end', done);
      zip.on('entry', (entry: yauzl.Entry) => {
        const out = resolve(root, entry.fileName);
        // A crafted name like ../../x must not write outside the target.
        if (!out.startsWith(root + sep))
          return fail(new Error(`${zipPath}: bad entry ${entry.fileName}`));
        if (entry.fileName.endsWith('/')) {
          mkdirSync(out, { recursive: true });
          zip.readEntry();
          return;
        }
        mkdirSync(dirname(out), { recursive: true });
        zip.openReadStream(entry, (error, stream) => {
          if (error) return fail(error);
          pipeline(stream, createWriteStream(out)).then(() => zip.readEntry(), fail);
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}

export interface RuntimeLayout {
  /** Like /opt: every layer extracted on top of each other. */
  optDir: string;
  /** Like /var/task, one per pipeline. */
  taskDirs: Record<string, string>;
}

/**
 * The sharp layer this machine can load. Functions run on the host here, so image-resize gets the
 * layer built for the host's CPU, whatever architecture the tfvars deploy to.
 */
export function hostSharpLayer(arch: string = process.arch): string {
  if (arch === 'x64') return 'sharp-x86_64';
  if (arch === 'arm64') return 'sharp-arm64';
  throw new LocalStackError(`image-resize needs sharp, which has no Lambda layer for ${arch}`);
}

function layersFor(p: { function: string; layers: string[] }): string[] {
  if (p.function !== 'image-resize') return p.layers;
  return [...p.layers.filter((l) => !l.startsWith('sharp-')), hostSharpLayer()];
}

/**
 * Lays out what Lambda would mount for each pipeline: its function zip in a task directory, and
 * the layers in one shared /opt. Rebuilt from dist/ on every start, so stale code never runs.
 */
export async function prepareRuntime(
  distDir: string,
  runtimeDir: string,
  pipelines: Record<string, { function: string; layers: string[] }>,
): Promise<RuntimeLayout> {
  rmSync(runtimeDir, { recursive: true, force: true });
  const optDir = join(runtimeDir, 'opt');
  const layers = new Set(Object.values(pipelines).flatMap(layersFor));
  for (const layer of layers) await extractZip(join(distDir, 'layers', `${layer}.zip`), optDir);
  const taskDirs: Record<string, string> = {};
  for (const [name, p] of Object.entries(pipelines)) {
    taskDirs[name] = join(runtimeDir, name, 'task');
    await extractZip(join(distDir, 'functions', `${p.function}.zip`), taskDirs[name]);
  }
  return { optDir, taskDirs };
}
