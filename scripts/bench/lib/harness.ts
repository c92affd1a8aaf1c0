import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeBarChart, type BarChart } from '../barChart';

/** Where benchmarks keep their inputs, bundles and printed reports (git-ignored). */
export const BENCH_DIR = join(__dirname, '..', '..', '..', '.bench');
/** Where the reports and charts that the docs quote go (committed, unlike BENCH_DIR). */
export const DOCS_BENCH = join(__dirname, '..', '..', '..', 'docs', 'bench');

/** The `--runs=N` a benchmark was started with, else `fallback`. */
export function runsArg(fallback: number, argv: string[] = process.argv): number {
  return Number(/--runs=(\d+)/.exec(argv.join(' '))?.[1] ?? fallback);
}

export interface Report {
  /** Prints a line and keeps it for the saved report. */
  say(line: string): void;
  /** Records a target; `finish` prints each as PASS or FAIL. */
  target(name: string, ok: boolean): void;
  /** Keeps a measured figure under `key` for the saved JSON report. */
  record(key: string, value: unknown): void;
  /** Keeps the run's chart (as figure `chart`) and draws it to `<dir>/<name>.svg` at the finish. */
  chart(chart: BarChart): void;
  /**
   * Prints the targets, saves everything said to `<dir>/<name>.txt`, the lines, targets and
   * recorded figures to `<dir>/<name>.json` and the chart, if any, to `<dir>/<name>.svg`; returns
   * the exit status to use.
   */
  finish(): number;
}

/** The 1, 5 and 15 minute load averages as a benchmark prints them: "1.23 1.08 0.89". */
export const loadAverageText = (load: number[]): string => load.map((l) => l.toFixed(2)).join(' ');

/** What every benchmark prints: its lines, then its targets, also saved in `dir` (BENCH_DIR unless told). */
export function createReport(name: string, dir: string = BENCH_DIR): Report {
  const lines: string[] = [];
  const targets: { name: string; ok: boolean }[] = [];
  const figures: Record<string, unknown> = {};
  const say = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  return {
    say,
    target: (target, ok) => void targets.push({ name: target, ok }),
    record: (key, value) => void (figures[key] = value),
    chart: (chart) => void (figures.chart = chart),
    finish() {
      say('');
      for (const target of targets) say(`${target.ok ? 'PASS' : 'FAIL'}  ${target.name}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.txt`), `${lines.join('\n')}\n`);
      writeFileSync(
        join(dir, `${name}.json`),
        `${JSON.stringify({ name, argv: process.argv.slice(2), lines, targets, figures }, null, 2)}\n`,
      );
      if (figures.chart) writeBarChart(join(dir, `${name}.svg`), figures.chart as BarChart);
      return targets.every((target) => target.ok) ? 0 : 1;
    },
  };
}

/**
 * Writes a file of exactly `size` bytes from block(0), block(1), ... (each cut to what is left),
 * unless a file of that size is already there: the GiB inputs are made once and reused.
 */
export async function ensureFile(
  path: string,
  size: number,
  block: (index: number) => Buffer,
): Promise<void> {
  if (existsSync(path) && statSync(path).size === size) return;
  mkdirSync(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  for (let written = 0, i = 0; written < size; i++) {
    const chunk = block(i).subarray(0, size - written);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/** The middle value: benchmarks report the median of their runs. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Bundles a measured worker into one CommonJS file, so the measured process runs plain node with
 * no loader in it. `alias` and `external` should match how the code under test ships.
 */
export async function bundleWorker(
  entry: string,
  outfile: string,
  options: { alias?: Record<string, string>; external?: string[] } = {},
): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'warning',
    ...options,
  });
  return outfile;
}

/**
 * Runs a bundled worker in its own process (its peak RSS is its own) and returns the JSON of its
 * last stdout line. Asynchronous, so this process can keep serving the endpoints it hosts.
 */
export function runWorker<T>(
  worker: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T)
        : reject(new Error(`worker ${args[0]} failed: ${stderr}`)),
    );
  });
}
