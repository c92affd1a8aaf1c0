import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Under `<dataDir>`: one file of EMF lines per pipeline, `<pipeline>.jsonl`. */
export const METRICS_DIR = 'metrics';

/**
 * One CloudWatch Embedded Metric Format document, as the functions print them (Powertools
 * Metrics): `_aws` names the namespace, dimension sets and metrics; the values sit beside it.
 */
export interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [member: string]: unknown;
}

/** The EMF document a function log line holds, or undefined for any other line. */
export function parseEmf(line: string): EmfDocument | undefined {
  if (!line.includes('"_aws"')) return undefined;
  try {
    const value = JSON.parse(line) as Partial<EmfDocument>;
    return Array.isArray(value._aws?.CloudWatchMetrics) ? (value as EmfDocument) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Appends every EMF line a pipeline's function prints to `<dataDir>/metrics/<pipeline>.jsonl`,
 * as CloudWatch Logs would receive them: the lines as printed, so any EMF tool reads the file.
 * Appended to across restarts, like the logs.
 */
export class MetricsLog {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, METRICS_DIR);
    mkdirSync(this.dir, { recursive: true });
  }

  fileOf(pipeline: string): string {
    return join(this.dir, `${pipeline}.jsonl`);
  }

  /** Records `line` when it is an EMF document and returns the document; otherwise undefined. */
  record(pipeline: string, line: string): EmfDocument | undefined {
    const doc = parseEmf(line);
    if (doc) appendFileSync(this.fileOf(pipeline), `${line.trim()}\n`);
    return doc;
  }
}
