import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySource } from '../bench/lib/benchS3';
import { createReport, ensureFile, runsArg } from '../bench/lib/harness';
import { peakRssMiB } from '../bench/lib/peakRss';

describe('benchmark harness', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 's3p-harness-'));
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    jest.restoreAllMocks();
  });

  it('reads --runs=N, else the fallback', () => {
    expect(runsArg(3, ['node', 'x.bench.ts', '--runs=7'])).toBe(7);
    expect(runsArg(3, ['node', 'x.bench.ts'])).toBe(3);
  });

  it('saves what was said and the targets, and fails when one target fails', () => {
    // Prepare
    const report = createReport('demo', dir);

    // Act
    report.say('figures');
    report.target('fast enough', true);
    report.target('small enough', false);
    const status = report.finish();

    // Assess
    expect(status).toBe(1);
    expect(readFileSync(join(dir, 'demo.txt'), 'utf8')).toBe(
      'figures\n\nPASS  fast enough\nFAIL  small enough\n',
    );
  });

  it('exits 0 when every target passes', () => {
    const report = createReport('demo', dir);
    report.target('fast enough', true);
    expect(report.finish()).toBe(0);
  });

  it('writes a file of exactly the size from the blocks, and reuses it the next time', async () => {
    // Prepare
    const path = join(dir, 'in', 'data.bin');
    const blocks: number[] = [];
    const block = (i: number): Buffer => {
      blocks.push(i);
      return Buffer.alloc(1000, i);
    };

    // Act
    await ensureFile(path, 2500, block);
    const first = statSync(path);
    await ensureFile(path, 2500, block);

    // Assess
    const bytes = readFileSync(path);
    expect(bytes.length).toBe(2500);
    expect([bytes[0], bytes[1000], bytes[2499]]).toEqual([0, 1, 2]);
    expect(blocks).toEqual([0, 1, 2]);
    expect(statSync(path).mtimeMs).toBe(first.mtimeMs);
  });

  it('serves a range of an object bigger than its bytes, starting over past their end', () => {
    // Prepare: 14 bytes of object from 6 bytes in memory.
    const bytes = Buffer.from('abcdef');
    const source = memorySource(bytes, 14, 'e');

    // Act
    const pieces = [...source.read(3, 12)];

    // Assess: bytes 3..12 inclusive, across two wraps, each piece a view of the same memory.
    expect(Buffer.concat(pieces).toString()).toBe('defabcdefa');
    expect(pieces.every((piece) => piece.buffer === bytes.buffer)).toBe(true);
    expect(source.size).toBe(14);
  });

  it("reports this process's own peak RSS, at most what maxRSS says", () => {
    const peak = peakRssMiB();

    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(process.resourceUsage().maxRSS / 1024);
  });
});
