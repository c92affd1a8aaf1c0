import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const script = join(root, '.github', 'scripts', 'dist-manifest.sh');

function manifest(...args: string[]) {
  return spawnSync('bash', [script, ...args], { encoding: 'utf8' });
}

/** sha256sum's own answer for a file, not our script's. */
function sha256sum(path: string): string {
  return spawnSync('sha256sum', [path], { encoding: 'utf8' }).stdout.split(' ')[0]!;
}

describe('.github/scripts/dist-manifest.sh (what the deploy jobs check the build with)', () => {
  let dir: string;
  let dist: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 's3p-dist-manifest-'));
    dist = join(dir, 'dist');
    mkdirSync(join(dist, 'functions'), { recursive: true });
    mkdirSync(join(dist, 'layers'));
    writeFileSync(join(dist, 'functions', 'checksum.zip'), 'checksum bytes');
    writeFileSync(join(dist, 'layers', 's3-stream.zip'), 'layer bytes');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes a sha256sum manifest of every file and prints the manifest's own SHA-256", () => {
    // Act
    const written = manifest('write', dist);

    // Assess
    expect(written.status).toBe(0);
    expect(written.stdout.trim()).toBe(sha256sum(join(dist, 'SHA256SUMS')));
    const lines = readFileSync(join(dist, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(lines).toEqual([
      `${sha256sum(join(dist, 'functions', 'checksum.zip'))}  ./functions/checksum.zip`,
      `${sha256sum(join(dist, 'layers', 's3-stream.zip'))}  ./layers/s3-stream.zip`,
    ]);
    // sha256sum itself accepts it.
    expect(
      spawnSync('sha256sum', ['--check', '--strict', 'SHA256SUMS'], { cwd: dist }).status,
    ).toBe(0);
  });

  it('passes the untouched build', () => {
    // Prepare
    const hash = manifest('write', dist).stdout.trim();

    // Act
    const checked = manifest('check', dist, hash);

    // Assess
    expect(checked.status).toBe(0);
    expect(checked.stdout).toContain(`every file under ${dist} matches SHA256SUMS (${hash})`);
  });

  it('fails when a zip changed after the build', () => {
    // Prepare
    const hash = manifest('write', dist).stdout.trim();
    appendFileSync(join(dist, 'layers', 's3-stream.zip'), 'x');

    // Act
    const checked = manifest('check', dist, hash);

    // Assess
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain(`a file under ${dist} differs from SHA256SUMS.`);
  });

  it('fails when the manifest was rewritten to match swapped zips', () => {
    // Prepare: the artifact's writer can change both; not the hash the build job reported.
    const hash = manifest('write', dist).stdout.trim();
    writeFileSync(join(dist, 'functions', 'checksum.zip'), 'other bytes');
    manifest('write', dist);

    // Act
    const checked = manifest('check', dist, hash);

    // Assess
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain('SHA256SUMS is not the manifest the build reported.');
  });

  it('fails on a file the manifest does not list', () => {
    // Prepare
    const hash = manifest('write', dist).stdout.trim();
    writeFileSync(join(dist, 'functions', 'extra.zip'), 'added');

    // Act
    const checked = manifest('check', dist, hash);

    // Assess
    expect(checked.status).toBe(1);
    expect(checked.stderr).toContain('does not list: ./functions/extra.zip');
  });

  it('fails without a manifest, or without a 64-hex-digit hash to check it against', () => {
    // Act
    const missing = manifest('check', dist, 'a'.repeat(64));
    manifest('write', dist);
    const empty = manifest('check', dist, '');

    // Assess
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`no ${dist}/SHA256SUMS.`);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("expected a 64-hex-digit manifest SHA-256, got ''.");
  });

  it('refuses to write a manifest of nothing, and prints its usage for other arguments', () => {
    // Prepare
    const nothing = join(dir, 'empty');
    mkdirSync(nothing);

    // Act
    const written = manifest('write', nothing);
    const usage = manifest('verify', dist);

    // Assess
    expect(written.status).toBe(1);
    expect(written.stderr).toContain('holds no file to list.');
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage:');
  });
});
