import { parseEmf } from '../../src/metricsLog';
import { progressLine } from '../../src/progress';
import { percentile, StatusBoard, summaryTable, type PipelineTotals } from '../../src/status';

/** An EMF document as Powertools Metrics prints it for one invocation of `service`. */
function invocationDoc(service: string, values: Record<string, number | number[]>): string {
  return JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [
        {
          Namespace: 's3-pipelines',
          Dimensions: [['service']],
          Metrics: Object.keys(values).map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    service,
    ...values,
  });
}

describe('parseEmf', () => {
  it('reads an EMF line and ignores every other line', () => {
    // Act
    const doc = parseEmf(invocationDoc('checksum', { ObjectsProcessed: 1 }));

    // Assess
    expect(doc?.service).toBe('checksum');
    expect(parseEmf('{"level":"INFO","message":"object processed"}')).toBeUndefined();
    expect(parseEmf('TypeError: "_aws" at line 3')).toBeUndefined();
  });
});

describe('StatusBoard', () => {
  it('prints plain status lines, not escape codes, when it is not on a terminal', () => {
    // Prepare
    let out = '';
    const board = new StatusBoard({ live: false, write: (t) => (out += t), intervalMs: 0 });

    // Act
    board.log('12:00:00.000  checksum  processed  5 ms  a.txt');
    board.update(
      'checksum',
      parseEmf(invocationDoc('checksum', { ObjectsProcessed: 1, BytesRead: 2048, EventLag: 40 }))!,
    );
    board.close();

    // Assess
    expect(out).toBe(
      '12:00:00.000  checksum  processed  5 ms  a.txt\n' +
        'status  checksum       done 1  skipped 0  failed 0  read 2.0 KiB  written 0 B  lag p99 40 ms\n',
    );
    expect(out).not.toContain('\x1b');
  });

  it('redraws one line per pipeline in place below the log on a terminal', () => {
    // Prepare
    let out = '';
    const board = new StatusBoard({ live: true, write: (t) => (out += t) });
    board.update('a', parseEmf(invocationDoc('a', { ObjectsProcessed: 1 }))!);
    board.update('b', parseEmf(invocationDoc('b', { ObjectsFailed: 1 }))!);
    out = '';

    // Act
    board.log('a line of the log');

    // Assess: up two lines, clear, the log line, then both status lines again.
    expect(out).toMatch(
      /^\x1b\[2F\x1b\[Ja line of the log\na +done 1 .*\nb +done 0 +skipped 0 +failed 1 .*\n$/,
    );
  });

  it('counts only the per-invocation documents, not the per-reason ones that repeat them', () => {
    // Prepare
    const board = new StatusBoard({ live: false, write: () => undefined, intervalMs: 0 });
    const byReason = JSON.stringify({
      _aws: {
        Timestamp: 0,
        CloudWatchMetrics: [
          {
            Namespace: 's3-pipelines',
            Dimensions: [['service', 'reason']],
            Metrics: [{ Name: 'ObjectsSkipped' }],
          },
        ],
      },
      service: 'a',
      reason: 'already-done',
      ObjectsSkipped: 2,
    });

    // Act
    board.update('a', parseEmf(invocationDoc('a', { ObjectsSkipped: 2 }))!);
    board.update('a', parseEmf(byReason)!);
    board.close();

    // Assess
    expect(board.totals.get('a')?.skipped).toBe(2);
  });
});

describe('summaryTable and percentiles', () => {
  it('uses nearest-rank percentiles and lines the columns up', () => {
    // Prepare
    const totals: PipelineTotals = {
      processed: 3,
      skipped: 1,
      failed: 0,
      bytesRead: 3 * 1024 * 1024,
      bytesWritten: 96,
      lagsMs: [10, 20, 30, 40],
      timesMs: [5, 7, 900],
    };

    // Act
    const table = summaryTable(new Map([['checksum', totals]])).split('\n');

    // Assess
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 99)).toBe(40);
    expect(table[1]).toMatch(
      /^pipeline +processed +skipped +failed +read +written +lag p50 +lag p99 +time p99$/,
    );
    expect(table[2]).toMatch(/^checksum +3 +1 +0 +3\.0 MiB +96 B +20 ms +40 ms +900 ms$/);
    expect(table[1]!.length).toBe(table[2]!.length);
  });

  it('draws the backfill progress bar with done/total, bytes, rate and ETA', () => {
    // Act
    const line = progressLine({
      done: 250,
      total: 1000,
      failed: 2,
      bytes: 1024,
      totalBytes: 4096,
      elapsedMs: 10_000,
    });

    // Assess: 25 objects/s, 750 left = 30 s.
    expect(line).toBe(
      '[######..................] 250/1000 objects  1.0 KiB/4.0 KiB  25.0 obj/s  ETA 30s  (2 failed)',
    );
  });
});
