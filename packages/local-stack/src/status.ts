import type { EmfDocument } from './metricsLog';

/** Lag and time values kept per pipeline for percentiles: the most recent this many. */
const KEPT_VALUES = 10_000;
/** Without a terminal, one status line per pipeline at most this often (the last always comes). */
const PLAIN_INTERVAL_MS = 2_000;

/** One pipeline's totals, summed from the `[service]` EMF documents its function printed. */
export interface PipelineTotals {
  processed: number;
  skipped: number;
  failed: number;
  bytesRead: number;
  bytesWritten: number;
  lagsMs: number[];
  timesMs: number[];
}

const values = (value: unknown): number[] =>
  (Array.isArray(value) ? value : [value]).filter((v): v is number => typeof v === 'number');
const sum = (value: unknown) => values(value).reduce((a, b) => a + b, 0);

/** True for the document that holds every metric of an invocation, not a per-reason count. */
function isInvocationDocument(doc: EmfDocument): boolean {
  const sets = doc._aws.CloudWatchMetrics[0]?.Dimensions ?? [];
  return sets.length === 1 && sets[0]!.length === 1 && sets[0]![0] === 'service';
}

export function emptyTotals(): PipelineTotals {
  return {
    processed: 0,
    skipped: 0,
    failed: 0,
    bytesRead: 0,
    bytesWritten: 0,
    lagsMs: [],
    timesMs: [],
  };
}

/** Adds one EMF document to `totals`; per-reason and per-kind documents repeat counts, so skip them. */
export function addDocument(totals: PipelineTotals, doc: EmfDocument): void {
  if (!isInvocationDocument(doc)) return;
  totals.processed += sum(doc.ObjectsProcessed);
  totals.skipped += sum(doc.ObjectsSkipped);
  totals.failed += sum(doc.ObjectsFailed);
  totals.bytesRead += sum(doc.BytesRead);
  totals.bytesWritten += sum(doc.BytesWritten);
  totals.lagsMs.push(...values(doc.EventLag));
  totals.timesMs.push(...values(doc.ProcessingTime));
  totals.lagsMs.splice(0, Math.max(0, totals.lagsMs.length - KEPT_VALUES));
  totals.timesMs.splice(0, Math.max(0, totals.timesMs.length - KEPT_VALUES));
}

/** Nearest-rank percentile, as CloudWatch's pNN statistics define it; undefined without values. */
export function percentile(list: number[], p: number): number | undefined {
  if (list.length === 0) return undefined;
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** The one-line status of a pipeline: done, skipped, failed, bytes, lag. */
export function statusLine(pipeline: string, t: PipelineTotals): string {
  return (
    `${pipeline.padEnd(14)} done ${t.processed}  skipped ${t.skipped}  failed ${t.failed}  ` +
    `read ${formatBytes(t.bytesRead)}  written ${formatBytes(t.bytesWritten)}  ` +
    `lag p99 ${formatMs(percentile(t.lagsMs, 99))}`
  );
}

/** The table printed when the stack stops: one row per pipeline that reported anything. */
export function summaryTable(totals: Map<string, PipelineTotals>): string {
  const header = [
    'pipeline',
    'processed',
    'skipped',
    'failed',
    'read',
    'written',
    'lag p50',
    'lag p99',
    'time p99',
  ];
  const rows = [...totals.entries()].map(([pipeline, t]) => [
    pipeline,
    String(t.processed),
    String(t.skipped),
    String(t.failed),
    formatBytes(t.bytesRead),
    formatBytes(t.bytesWritten),
    formatMs(percentile(t.lagsMs, 50)),
    formatMs(percentile(t.lagsMs, 99)),
    formatMs(percentile(t.timesMs, 99)),
  ]);
  if (rows.length === 0) return 'Summary: no pipeline reported metrics.';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    "Summary (this run, from the functions' EMF metrics):",
    line(header),
    ...rows.map(line),
  ].join('\n');
}

export interface StatusBoardOptions {
  /** Redraw the status lines in place (a terminal); otherwise print plain lines. */
  live: boolean;
  write: (text: string) => void;
  /** Plain mode: at most one status line per pipeline this often. Default 2 s. */
  intervalMs?: number;
}

/**
 * The stack's live status. On a terminal the last lines of the screen are one status line per
 * pipeline, redrawn in place below the invocation log; elsewhere (a pipe, a file, CI) a plain
 * `status` line is printed when a pipeline's numbers change, at most every `intervalMs`, since
 * escape codes would only garble a log file.
 */
export class StatusBoard {
  readonly totals = new Map<string, PipelineTotals>();
  private drawn = 0;
  private readonly lastPrinted = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly options: StatusBoardOptions) {}

  /** A line of the invocation log, kept above the live status. */
  log(line: string): void {
    if (!this.options.live) {
      this.options.write(`${line}\n`);
      return;
    }
    this.options.write(`${this.erase()}${line}\n${this.draw()}`);
  }

  /** One EMF document a pipeline's function printed. */
  update(pipeline: string, doc: EmfDocument): void {
    if (this.closed) return;
    const totals = this.totals.get(pipeline) ?? emptyTotals();
    this.totals.set(pipeline, totals);
    const before = JSON.stringify([totals.processed, totals.skipped, totals.failed]);
    addDocument(totals, doc);
    if (this.options.live) {
      this.options.write(`${this.erase()}${this.draw()}`);
      return;
    }
    if (before === JSON.stringify([totals.processed, totals.skipped, totals.failed])) return;
    this.plain(pipeline);
  }

  private plain(pipeline: string): void {
    const interval = this.options.intervalMs ?? PLAIN_INTERVAL_MS;
    const wait = (this.lastPrinted.get(pipeline) ?? -Infinity) + interval - Date.now();
    if (wait <= 0) {
      this.lastPrinted.set(pipeline, Date.now());
      this.options.write(`status  ${statusLine(pipeline, this.totals.get(pipeline)!)}\n`);
      return;
    }
    if (this.pending.has(pipeline)) return;
    const timer = setTimeout(() => {
      this.pending.delete(pipeline);
      this.plain(pipeline);
    }, wait);
    timer.unref();
    this.pending.set(pipeline, timer);
  }

  private erase(): string {
    if (this.drawn === 0) return '';
    // Up to the first status line, then clear to the end of the screen.
    const text = `\x1b[${this.drawn}F\x1b[J`;
    this.drawn = 0;
    return text;
  }

  private draw(): string {
    const lines = [...this.totals.entries()].map(([p, t]) => statusLine(p, t));
    this.drawn = lines.length;
    return lines.map((l) => `${l}\n`).join('');
  }

  /** Stops redrawing: the status lines stay on screen, pending plain lines are dropped. */
  close(): void {
    this.closed = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  summary(): string {
    return summaryTable(this.totals);
  }
}
