import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SKIP_REASONS } from '../../src/handler/skipReasons';

const ROOT = join(__dirname, '..', '..', '..', '..');
const SRC = join(ROOT, 'packages', 's3-stream', 'src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folders of src/ a file imports from (`.` for src itself), read from its import lines. */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const folders = new Set<string>();
  for (const [, spec] of text.matchAll(/from '(\.[^']*)'/g)) {
    const target = relative(SRC, join(file, '..', spec!));
    folders.add(target.includes('/') ? target.split('/')[0]! : '.');
  }
  return [...folders];
}

describe('the layer package keeps its arrows one way', () => {
  it.each(['read', 'write'])(
    '%s/ imports neither events/ nor the other of read/ and write/',
    (dir) => {
      // Prepare
      const other = dir === 'read' ? 'write' : 'read';

      // Act
      const offending = filesUnder(join(SRC, dir)).filter((file) =>
        importedFolders(file).some((folder) => folder === 'events' || folder === other),
      );

      // Assess
      expect(offending.map((f) => relative(SRC, f))).toEqual([]);
    },
  );

  it('lets only handler/ import events/', () => {
    // Act
    const importers = filesUnder(SRC)
      .filter((file) => !file.includes(`${SRC}/events/`))
      .filter((file) => importedFolders(file).includes('events'))
      .map((file) => relative(SRC, file));

    // Assess
    expect(importers).toEqual(['handler/createPipelineHandler.ts']);
  });

  it('exports from index.ts only what the functions, their tests, the kit, the local stack or a benchmark use', () => {
    // Prepare
    const exported = [
      ...readFileSync(join(SRC, 'index.ts'), 'utf8').matchAll(/export (?:type )?\{([^}]*)\}/g),
    ].flatMap(([, names]) =>
      names!
        .split(',')
        .map((n) => n.trim().replace(/^type /, ''))
        .filter(Boolean),
    );
    const consumers = [
      ...['checksum', 'metadata', 'compress', 'image-resize'].flatMap((pkg) =>
        filesUnder(join(ROOT, 'packages', pkg)),
      ),
      ...filesUnder(join(ROOT, 'packages', 'testing', 'src')),
      ...filesUnder(join(ROOT, 'packages', 'local-stack', 'src')),
      ...filesUnder(join(ROOT, 'scripts', 'bench')),
    ].map((file) => readFileSync(file, 'utf8'));

    // Act
    const unused = exported.filter(
      (name) => !consumers.some((text) => new RegExp(`\\b${name}\\b`).test(text)),
    );

    // Assess
    expect(unused).toEqual([]);
  });
});

describe('SKIP_REASONS', () => {
  it('is the table the README documents, reason for reason', () => {
    // Prepare
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = /<!-- skip-reasons -->([\s\S]*?)<!-- \/skip-reasons -->/.exec(readme)![1]!;

    // Act
    const rows = [...table.matchAll(/^\| `([^`]+)` +\| (.*?) +\|$/gm)].map(([, reason, when]) => [
      reason,
      when,
    ]);

    // Assess
    expect(rows).toEqual(Object.entries(SKIP_REASONS));
  });
});
