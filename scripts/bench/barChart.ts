/**
 * A benchmark's figures as a plain SVG bar chart, written as text: no dependency, diffable, and
 * redrawn by the run that measured the figures, so the picture in the docs is never hand-made.
 *
 * usage (redraw from a saved report): tsx scripts/bench/barChart.ts docs/bench/<name>.json <out.svg|out.png>
 *   (the report's `figures.chart` is the chart, as the benchmark recorded it; a .png is the same
 *   SVG rendered by sharp, for where a picture is wanted rather than a drawing)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Bar {
  label: string;
  value: number;
  /** Printed after the value, e.g. "0.98x". */
  note?: string;
  /** Drawn in the accent colour: the shipped configuration. */
  accent?: boolean;
}

export interface BarGroup {
  /** e.g. the object size and endpoint the bars below were measured on. */
  title: string;
  bars: Bar[];
}

export interface BarChart {
  title: string;
  subtitle?: string;
  unit: string;
  groups: BarGroup[];
}

const WIDTH = 820;
const LABEL_WIDTH = 300;
const VALUE_WIDTH = 130;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const GROUP_GAP = 16;
const TOP = 64;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

const escape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Whole numbers from 10 up (MB/s), two decimals below (images/s). */
function shown(value: number): string {
  const hundredths = Math.round(value * 100) / 100;
  return Math.abs(hundredths) < 10 ? hundredths.toFixed(2) : String(Math.round(value));
}

/** A round step for about five gridlines up to `max`. */
function gridStep(max: number): number {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough) ?? rough;
}

export function barChartSvg(chart: BarChart): string {
  // An empty or all-zero chart still gets an axis (log10 of 0 has no grid step).
  const max = Math.max(0, ...chart.groups.flatMap((g) => g.bars.map((b) => b.value))) || 1;
  const step = gridStep(max);
  const top = Number((Math.ceil(max / step) * step).toPrecision(12));
  const plotWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const x = (value: number): number => LABEL_WIDTH + (value / top) * plotWidth;

  const body: string[] = [];
  let y = TOP;
  for (const group of chart.groups) {
    body.push(
      `<text x="12" y="${y + 12}" font-weight="600" font-size="13">${escape(group.title)}</text>`,
    );
    y += 20;
    for (const bar of group.bars) {
      const width = Math.max(1, x(bar.value) - LABEL_WIDTH);
      const value = `${shown(bar.value)}${bar.note ? `  ${bar.note}` : ''}`;
      body.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end" font-size="12">${escape(bar.label)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${bar.accent ? '#d9480f' : '#4c6ef5'}"/>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 13}" font-size="12">${escape(value)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP;
  }

  const grid: string[] = [];
  // Counted in steps, not summed, so that 0.1 + 0.2 never prints as 0.30000000000000004.
  for (let i = 0, tick = 0; tick <= top; i += 1, tick = Number((i * step).toPrecision(12))) {
    grid.push(
      `<line x1="${x(tick).toFixed(1)}" y1="${TOP - 6}" x2="${x(tick).toFixed(1)}" y2="${y - GROUP_GAP}" stroke="#dee2e6"/>`,
      `<text x="${x(tick).toFixed(1)}" y="${y - GROUP_GAP + 14}" text-anchor="middle" font-size="11" fill="#495057">${tick}</text>`,
    );
  }
  const height = y + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="16" font-weight="600">${escape(chart.title)}</text>`,
    chart.subtitle
      ? `<text x="12" y="42" font-size="12" fill="#495057">${escape(chart.subtitle)}</text>`
      : '',
    ...grid,
    ...body,
    `<text x="${x(top / 2).toFixed(1)}" y="${height - 4}" text-anchor="middle" font-size="11" fill="#495057">${escape(chart.unit)}</text>`,
    '</svg>',
    '',
  ]
    .filter(Boolean)
    .join('\n');
}

export function writeBarChart(path: string, chart: BarChart): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, barChartSvg(chart));
}

/** The part of sharp's API this file uses (its types live with image-resize, not here). */
type SvgToPng = (input: Buffer) => { png(): { toFile(path: string): Promise<unknown> } };

/**
 * The chart as a PNG. sharp is image-resize's dependency, not the root's, so it is resolved from
 * that package: the same build of sharp and libvips the function ships, and no second copy.
 */
export async function writeBarChartPng(path: string, chart: BarChart): Promise<void> {
  const imageResize = join(__dirname, '..', '..', 'packages', 'image-resize', 'package.json');
  const sharp = createRequire(imageResize)('sharp') as SvgToPng;
  mkdirSync(dirname(path), { recursive: true });
  await sharp(Buffer.from(barChartSvg(chart)))
    .png()
    .toFile(path);
}

async function main([report, out]: string[]): Promise<void> {
  if (!report || !out || !/\.(svg|png)$/i.test(out)) {
    console.error('usage: tsx scripts/bench/barChart.ts <report.json> <out.svg|out.png>');
    process.exit(2);
  }
  const { figures } = JSON.parse(readFileSync(report, 'utf8')) as { figures: { chart?: BarChart } };
  if (!figures.chart) throw new Error(`${report} records no chart`);
  if (/\.png$/i.test(out)) await writeBarChartPng(out, figures.chart);
  else writeBarChart(out, figures.chart);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
