import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identify } from '@s3-pipelines/testing';
import { barChartSvg, writeBarChartPng, type BarChart } from '../bench/barChart';
import { DOCS_BENCH } from '../bench/lib/harness';

const chart: BarChart = {
  title: 'MB/s <by> variant & "size"',
  unit: 'MB/s',
  groups: [
    {
      title: '1 GiB',
      bars: [
        { label: 'baseline', value: 50 },
        { label: 'function <blocks> & co', value: 100, note: '2.00x', accent: true },
      ],
    },
  ],
};

describe('bar chart', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 's3p-chart-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const reports = readdirSync(DOCS_BENCH)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''));

  it('finds a saved report for every benchmark', () => {
    const benchmarks = readdirSync(join(__dirname, '..', 'bench'))
      .filter((file) => file.endsWith('.bench.ts'))
      .map((file) => file.replace(/\.bench\.ts$/, ''));

    expect([...reports].sort()).toEqual(benchmarks.sort());
  });

  it.each(reports)('docs/bench/%s.svg is what the figures saved beside it draw', (name) => {
    // Prepare: the report the run saved, whose figures.chart is what it drew.
    const report = JSON.parse(readFileSync(join(DOCS_BENCH, `${name}.json`), 'utf8')) as {
      figures: { chart: BarChart };
    };

    // Act + Assess: a hand-edited chart, or one left from another run, differs.
    expect(barChartSvg(report.figures.chart)).toBe(
      readFileSync(join(DOCS_BENCH, `${name}.svg`), 'utf8'),
    );
  });

  it('draws bars in proportion to their values', () => {
    const widths = [...barChartSvg(chart).matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map(
      (match) => Number(match[1]),
    );

    expect(widths).toHaveLength(2);
    expect(widths[0]! / widths[1]!).toBeCloseTo(0.5, 2);
  });

  it('prints small values with two decimals and gridlines without float noise', () => {
    const svg = barChartSvg({
      title: 'images/s',
      unit: 'images/s',
      groups: [
        {
          title: '8 JPEGs',
          bars: [
            { label: 'cli', value: 0.76 },
            { label: 'fn', value: 1.634 },
          ],
        },
      ],
    });

    expect(svg).toContain('>0.76</text>');
    expect(svg).toContain('>1.63</text>');
    expect(
      barChartSvg({
        title: 't',
        unit: 'u',
        groups: [{ title: 'g', bars: [{ label: 'a', value: 9.996 }] }],
      }),
    ).toContain('>10</text>');
    const ticks = [...svg.matchAll(/fill="#495057">([\d.]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '0.5', '1', '1.5', '2']);
  });

  it('renders to a PNG that ImageMagick decodes, markup in its text escaped', async () => {
    const png = join(dir, 'chart.png');

    // Act: librsvg (through sharp) refuses an SVG whose text is not escaped.
    await writeBarChartPng(png, chart);

    // Assess
    expect(identify(readFileSync(png))).toMatchObject({ format: 'PNG', width: 820 });
  }, 30_000);
});
