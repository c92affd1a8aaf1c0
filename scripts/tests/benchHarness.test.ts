import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChartSvg } from '../bench/barChart';
import { memorySource } from '../bench/lib/benchS3';
import { createReport, ensureFile, runsArg } from '../bench/lib/harness';

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

  it('keeps the chart as a figure and draws it beside the report, only when there is one', () => {
    // Prepare
    const drawn = {
      title: 'demo',
      unit: 'MB/s',
      groups: [{ title: 'g', bars: [{ label: 'a', value: 42 }] }],
    };
    const charted = createReport('charted', dir);
    const plain = createReport('plain', dir);

    // Act
    charted.chart(drawn);
    charted.finish();
    plain.finish();

    // Assess: the SVG is the chart the JSON holds, and a report without a chart draws none.
    const saved = JSON.parse(readFileSync(join(dir, 'charted.json'), 'utf8')) as {
      figures: { chart: unknown };
    };
    expect(saved.figures.chart).toEqual(drawn);
    expect(readFileSync(join(dir, 'charted.svg'), 'utf8')).toBe(barChartSvg(drawn));
    expect(existsSync(join(dir, 'plain.svg'))).toBe(false);
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

  it('reports the peak of its own program, not the high-water mark of the process that spawned it', () => {
    // Prepare: this process holds 300 MiB more than a bare Node needs, so a child inherits a
    // high-water mark of at least that across fork and exec.
    const held = Buffer.alloc(300 * 1024 * 1024, 1);
    const program = `import { peakRssMiB } from ${JSON.stringify(join(__dirname, '..', 'bench', 'lib', 'peakRss.ts'))};
      console.log(JSON.stringify({ peak: peakRssMiB(), maxRss: process.resourceUsage().maxRSS / 1024 }));`;

    // Act
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', program],
      {
        cwd: join(__dirname, '..', '..'),
        encoding: 'utf8',
      },
    );

    // Assess: maxRSS carries the spawner's 300 MiB; the program's own peak is a bare Node's.
    expect([child.status, child.stderr]).toEqual([0, expect.any(String)]);
    const { peak, maxRss } = JSON.parse(child.stdout) as { peak: number; maxRss: number };
    expect(held[held.length - 1]).toBe(1);
    expect(maxRss).toBeGreaterThan(300);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThan(200);
  }, 30_000);
});
