import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function buildInto(dir: string): string {
  return execFileSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['scripts/build.ts', `--out=${dir}`],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
}

function listZips(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.zip'))
    .sort();
}

describe('build', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('gives byte-identical zips when the same source is built twice, and prints each size', () => {
    const [first, second] = [0, 1].map(() => {
      const dir = mkdtempSync(join(tmpdir(), 's3p-build-'));
      dirs.push(dir);
      return dir;
    }) as [string, string];

    const printed = buildInto(first);
    buildInto(second);

    const zips = listZips(first);
    expect(zips).toEqual(
      expect.arrayContaining([
        'layers/s3-stream.zip',
        'functions/checksum.zip',
        'functions/metadata.zip',
      ]),
    );
    expect(listZips(second)).toEqual(zips);
    for (const zip of zips) {
      expect(readFileSync(join(second, zip)).equals(readFileSync(join(first, zip)))).toBe(true);
      expect(printed).toMatch(new RegExp(`${zip.replace(/[.]/g, '\\.')}\\s+\\d+\\.\\d KiB`));
    }
  }, 180_000);

  it('puts only the function in a function zip and the layer under nodejs/node_modules', () => {
    const dir = dirs[0]!;

    const functionEntries = execFileSync('unzip', ['-Z1', join(dir, 'functions', 'checksum.zip')], {
      encoding: 'utf8',
    });
    const layerEntries = execFileSync('unzip', ['-Z1', join(dir, 'layers', 's3-stream.zip')], {
      encoding: 'utf8',
    });

    expect(functionEntries.trim().split('\n')).toEqual(['index.js']);
    expect(layerEntries.trim().split('\n')).toEqual([
      'nodejs/node_modules/@s3-pipelines/s3-stream/index.js',
      'nodejs/node_modules/@s3-pipelines/s3-stream/package.json',
    ]);
    const bundle = execFileSync(
      'unzip',
      ['-p', join(dir, 'functions', 'checksum.zip'), 'index.js'],
      { encoding: 'utf8' },
    );
    expect(bundle).toContain('require("@s3-pipelines/s3-stream")');
    expect(bundle).not.toContain('@aws-sdk/client-s3');
  });

  it('leaves every function requiring only Node built-ins and what its layers provide', () => {
    const dir = dirs[0]!;
    const allowed = new Set([...builtinModules, '@s3-pipelines/s3-stream', 'sharp']);

    for (const zip of listZips(dir).filter((z) => z.startsWith('functions/'))) {
      const bundle = execFileSync('unzip', ['-p', join(dir, zip), 'index.js'], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      const required = [...bundle.matchAll(/require\("([^"]+)"\)/g)].map((m) =>
        m[1]!.replace(/^node:/, ''),
      );

      expect({ zip, foreign: required.filter((m) => !allowed.has(m)) }).toEqual({
        zip,
        foreign: [],
      });
    }
  });
});
