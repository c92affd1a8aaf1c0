import { cpus } from 'node:os';
import type { InvocationRecord } from '../delivery';
import type { Accounting, Fate } from './accounting';
import type { ChaosStats } from './faultProxy';
import { FAULT_KINDS, FAULT_LABELS, type FaultKind } from './faults';
import type { DeadLetter } from './ledger';
import type { Target, UploadedObject } from './types';

export interface ReportInput {
  objects: number;
  faultRate: number;
  seed: number;
  timeoutS: number;
  varFile: string;
  pipelines: string[];
  /** Logical -> real bucket name. */
  buckets: Record<string, string>;
  targets: Partial<Record<Target, { bucket: string; prefix: string }>>;
  uploaded: UploadedObject[];
  stats: ChaosStats;
  invocations: InvocationRecord[];
  deadLetters: DeadLetter[];
  accounting: Accounting;
  phases: { uploadMs: number; idleMs: number; checkMs: number; totalMs: number };
  warnings: string[];
}

export interface Report {
  text: string;
  ok: boolean;
  lost: number;
  duplicated: number;
  wronglyDeleted: number;
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Left-aligned first column, right-aligned numbers. */
function table(head: string[], rows: (string | number)[][], first = 16, width = 10): string[] {
  const line = (cells: (string | number)[]) =>
    cells
      .map((c, i) => (i === 0 ? `  ${String(c).padEnd(first)}` : String(c).padStart(width)))
      .join('');
  return [line(head), ...rows.map(line)];
}

/** What one sticky fault fails, every attempt of it (faults.ts STICKY). */
const STICKY_UNITS: Partial<Record<FaultKind, string>> = {
  'upload-part-failed': 'part',
  'complete-failed': 'upload',
};

const TARGET_LABELS: Record<Target, string> = {
  checksum: 'for checksum + metadata',
  compress: 'for compress',
  'image-resize': 'for image-resize',
};

/** The figures of a run, as printed (docs/chaos.md quotes one). */
export function formatReport(input: ReportInput): Report {
  const { uploaded, stats, accounting, invocations } = input;
  const out: string[] = [];
  out.push(
    `chaos run: ${input.objects} objects, fault rate ${input.faultRate}, seed ${input.seed} (Node ${process.version}, ${cpus().length} cores)`,
    `config ${input.varFile}, every timeout_s capped at ${input.timeoutS} s`,
    '',
  );

  const sizes = uploaded.flatMap((o) => o.written.map((w) => w.size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = (predicate: (o: UploadedObject) => boolean) => uploaded.filter(predicate).length;
  const row = (label: string, value: number | string, note = '') =>
    `  ${label.padEnd(56)}${String(value).padStart(6)}${note ? `   ${note}` : ''}`;
  out.push(
    `objects uploaded${String(uploaded.length).padStart(48)}   ${bytes(total)} in ${sizes.length} writes, ${bytes(Math.min(...sizes))} to ${bytes(Math.max(...sizes))}`,
  );
  for (const [target, place] of Object.entries(input.targets) as [
    Target,
    { bucket: string; prefix: string },
  ][]) {
    const mine = uploaded.filter((o) => o.target === target);
    const images = mine.filter((o) => ['jpeg', 'png'].includes(o.versions[0]!.kind)).length;
    const note =
      target === 'image-resize'
        ? `${images} images, ${mine.length - images} not images`
        : target === 'compress'
          ? `${mine.filter((o) => o.versions[0]!.kind === 'gzip').length} already gzipped`
          : '';
    out.push(
      row(
        `${TARGET_LABELS[target]} (${input.buckets[place.bucket]}/${place.prefix})`,
        mine.length,
        note,
      ),
    );
  }
  out.push(
    row(
      'overwritten while their events were in flight',
      count((o) => o.scenario === 'overwritten'),
    ),
    row(
      'deleted while their events were in flight',
      count((o) => o.scenario === 'deleted'),
    ),
    row(
      'written twice, same state (a duplicate notification)',
      count((o) => o.scenario === 'twice' && o.sameStateTwice === true),
      accounting.twiceAcrossSeconds
        ? `(+${count((o) => o.scenario === 'twice' && o.sameStateTwice === false)} whose writes fell a second apart)`
        : '',
    ),
    row(
      'folder markers',
      count((o) => o.versions[0]!.kind === 'folder'),
    ),
    '',
  );

  const requests = Object.values(stats.requests).reduce((a, b) => a + b, 0);
  const byKind = FAULT_KINDS.map(
    (kind) =>
      [
        kind,
        FAULT_LABELS[kind],
        Object.values(stats.faults).reduce((sum, f) => sum + f[kind], 0),
      ] as const,
  );
  const injected = byKind.reduce((sum, [, , n]) => sum + n, 0);
  out.push(
    `faults injected${String(injected).padStart(49)}   in ${requests} requests from the functions`,
  );
  for (const [kind, label, n] of byKind) {
    // A sticky kind fails every retry of one part or upload: say how many of those there were.
    const unit = STICKY_UNITS[kind];
    const units = new Set(stats.injected.filter((f) => f.kind === kind).map((f) => f.identity));
    const note =
      n === 0
        ? 'NOT EXERCISED: no request drew it'
        : unit
          ? `${units.size} ${unit}${units.size === 1 ? '' : 's'}, every attempt`
          : '';
    out.push(row(label, n, note));
  }
  out.push(
    row('deletes refused by If-Match (S3 semantics, not a fault)', stats.refusedDeletes),
    '',
  );

  const linesOf = (p: string) => invocations.filter((i) => i.pipeline === p);
  out.push(
    ...table(
      ['pipeline', 'invocations', 'retries', 'processed', 'skipped', 'failed', 'to DLQ'],
      input.pipelines.map((p) => {
        const lines = linesOf(p);
        return [
          p,
          lines.length,
          lines.filter((l) => l.attempt > 1).length,
          lines.filter((l) => l.outcome === 'processed').length,
          lines.filter((l) => l.outcome === 'skipped').length,
          lines.filter((l) => l.outcome === 'failed').length,
          lines.filter((l) => l.deadLettered).length,
        ];
      }),
      16,
      12,
    ),
  );
  for (const p of input.pipelines) {
    const reasons = new Map<string, number>();
    for (const l of linesOf(p).filter((x) => x.outcome === 'skipped'))
      reasons.set(l.reason ?? '?', (reasons.get(l.reason ?? '?') ?? 0) + 1);
    if (reasons.size)
      out.push(`    ${p} skips: ${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  out.push('');

  const fates = (p: string, fate: Fate) =>
    accounting.expectations.filter((e) => e.pipeline === p && e.fate === fate).length;
  const duplicatesOf = (p: string) => accounting.duplicates.filter((d) => d.pipeline === p).length;
  out.push(
    ...table(
      [
        'outputs',
        'expected',
        'verified',
        'skipped',
        'rejected',
        'DLQ',
        'missing',
        'bad',
        'twice',
        'gone',
      ],
      input.pipelines.map((p) => [
        p,
        accounting.expectations.filter((e) => e.pipeline === p && e.fate !== 'gone').length,
        fates(p, 'verified'),
        fates(p, 'skipped'),
        fates(p, 'rejected'),
        fates(p, 'dead-lettered'),
        fates(p, 'missing'),
        fates(p, 'bad'),
        duplicatesOf(p),
        fates(p, 'gone'),
      ]),
      16,
      9,
    ),
    '    verified: md5sum -c (checksum), the record = HeadObject (metadata), unzip -t + unzip -p | cmp',
    '    + md5sum (compress), identify on every rendition (image-resize). metadata includes the',
    "    records of checksum's sidecars (its declared chain).",
    '',
  );

  const lost = accounting.expectations.filter((e) => e.fate === 'missing' || e.fate === 'bad');
  const wronglyDeleted = accounting.wronglyDeleted.length;
  const duplicated = accounting.duplicates.length;
  out.push(
    row('lost (missing or failing its check)', lost.length),
    row(
      'written twice for one source version',
      duplicated,
      duplicated
        ? `${accounting.duplicates.filter((d) => d.oneInvocation).length} of them by two deliveries in one queue batch`
        : '',
    ),
    row('originals deleted wrongly', wronglyDeleted),
    row('originals kept beside a verified archive', accounting.originalsKept),
    '',
  );

  out.push(`dead-lettered objects${String(input.deadLetters.length).padStart(43)}`);
  for (const d of input.deadLetters)
    out.push(
      `  ${d.pipeline}  ${d.key}${d.attempts ? ` (${d.attempts} receives)` : ''}: ${d.reason}`,
    );
  const rejected = accounting.expectations.filter((e) => e.fate === 'rejected');
  if (rejected.length) {
    const reasons = new Map<string, number>();
    for (const r of rejected) {
      const kind = (r.detail ?? '').split(':')[0]!;
      reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
    }
    out.push(
      `rejected inputs${String(rejected.length).padStart(49)}   ${[...reasons].map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  }
  for (const [title, items] of [
    ['lost', lost.map((e) => `  ${e.pipeline}  ${e.key}: ${e.fate}: ${e.detail ?? ''}`)],
    [
      'written twice',
      accounting.duplicates.map(
        (d) =>
          `  ${d.pipeline}  ${d.key}: ${d.detail}${d.oneInvocation ? ' (both in one invocation)' : ''}`,
      ),
    ],
    [
      'deleted wrongly',
      accounting.wronglyDeleted.map((d) => `  ${d.pipeline}  ${d.key}: ${d.detail}`),
    ],
    ['stack warnings', input.warnings.map((w) => `  ${w}`)],
  ] as const) {
    if (items.length) out.push(`${title}:`, ...items);
  }
  const { phases } = input;
  out.push(
    '',
    `wall time ${seconds(phases.totalMs)} (setup and uploads ${seconds(phases.uploadMs)}, then until idle ${seconds(phases.idleMs)}, checks ${seconds(phases.checkMs)})`,
  );
  const ok = lost.length === 0 && duplicated === 0 && wronglyDeleted === 0;
  out.push(
    ok
      ? 'PASS  0 lost, 0 written twice, 0 originals deleted wrongly; every dead letter names its reason'
      : `FAIL  ${lost.length} lost, ${duplicated} written twice, ${wronglyDeleted} originals deleted wrongly`,
  );
  return { text: out.join('\n'), ok, lost: lost.length, duplicated, wronglyDeleted };
}
