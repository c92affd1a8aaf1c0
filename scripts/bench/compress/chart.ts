/**
 * The compress benchmark's chart: MB/s of each variant on the text and the random file, then of
 * the function by object size, drawn with the shared bar chart (../barChart.ts). Built from the
 * figures the run recorded, so the picture is redrawn by every run and never hand-made.
 */
import type { BarChart, BarGroup } from '../barChart';

/** One measured variant: its label in the report, MB/s, and the ratio printed beside it. */
export interface ChartRow {
  label: string;
  mbPerSecond: number;
  note?: string;
  /** The shipped configuration (zip/gzip blocks, zstd): drawn in the accent colour. */
  shipped?: boolean;
}

export interface ChartSection {
  title: string;
  rows: ChartRow[];
}

export function compressChart(sections: ChartSection[], subtitle: string): BarChart {
  const groups: BarGroup[] = sections.map((section) => ({
    title: section.title,
    bars: section.rows.map((row) => ({
      label: row.label,
      value: row.mbPerSecond,
      ...(row.note ? { note: row.note } : {}),
      ...(row.shipped ? { accent: true } : {}),
    })),
  }));
  return {
    title: 'compress: MB/s by variant and object size (higher is better)',
    subtitle,
    unit: 'MB/s (wall clock, on a 2-core machine shared with other jobs: compare within a group)',
    groups,
  };
}
