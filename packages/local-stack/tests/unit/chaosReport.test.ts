import type { Accounting, Expectation } from '../../src/chaos/accounting';
import { actionable } from '../../src/chaos/accounting';
import { FAULT_KINDS, type FaultKind } from '../../src/chaos/faults';
import { formatReport, type ReportInput } from '../../src/chaos/report';
import type { UploadedObject } from '../../src/chaos/types';

const object: UploadedObject = {
  index: 0,
  target: 'checksum',
  bucket: 'uploads',
  key: 'a b.txt',
  scenario: 'plain',
  versions: [{ kind: 'text', size: 5 }],
  written: [{ eTag: 'e1', file: '/dev/null', size: 5 }],
  deleted: false,
};

const verified: Expectation = { pipeline: 'checksum', key: 'a b.txt', object, fate: 'verified' };

/** One object, every fault kind injected once, nothing wrong: the case to spoil one way each. */
function input(accounting: Partial<Accounting> = {}, faults: FaultKind[] = FAULT_KINDS) {
  const counts = Object.fromEntries(
    FAULT_KINDS.map((k) => [k, faults.includes(k) ? 1 : 0]),
  ) as Record<FaultKind, number>;
  const report: ReportInput = {
    objects: 1,
    faultRate: 0.05,
    seed: 1,
    timeoutS: 20,
    varFile: 'dev.tfvars.json',
    pipelines: ['checksum'],
    buckets: { uploads: 'px-uploads' },
    targets: { checksum: { bucket: 'uploads', prefix: '' } },
    uploaded: [object],
    stats: {
      requests: { checksum: 20 },
      injected: [],
      faults: { checksum: counts },
      writes: [],
      refusedDeletes: 0,
    },
    invocations: [],
    deadLetters: [],
    accounting: {
      expectations: [verified],
      duplicates: [],
      wronglyDeleted: [],
      originalsKept: 0,
      twiceAcrossSeconds: 0,
      ...accounting,
    },
    phases: { uploadMs: 1_000, idleMs: 2_000, checkMs: 500, totalMs: 3_500 },
    warnings: [],
  };
  return report;
}

describe('formatReport', () => {
  it('passes a run where every object was verified', () => {
    // Act
    const report = formatReport(input());

    // Assess
    expect(report).toMatchObject({ ok: true, lost: 0, duplicated: 0, wronglyDeleted: 0 });
    expect(report.text).toMatch(/^PASS {2}0 lost, 0 written twice, 0 originals deleted wrongly/m);
    expect(report.text).toMatch(/^wall time 4 s \(/m);
  });

  it.each([
    ['missing', { expectations: [{ ...verified, fate: 'missing' as const, detail: 'no output' }] }],
    ['bad', { expectations: [{ ...verified, fate: 'bad' as const, detail: 'md5sum -c failed' }] }],
  ])('fails a run with an output %s, and names it', (_, accounting) => {
    // Act
    const report = formatReport(input(accounting));

    // Assess
    expect(report).toMatchObject({ ok: false, lost: 1 });
    expect(report.text).toMatch(/^FAIL {2}1 lost, 0 written twice/m);
    expect(report.text).toContain('lost:\n  checksum  a b.txt: ');
  });

  it('fails a run with an output written twice for one source version', () => {
    // Prepare
    const duplicates = [
      { pipeline: 'checksum', key: 'a b.txt', detail: 'written by 2 calls', oneInvocation: true },
    ];

    // Act
    const report = formatReport(input({ duplicates }));

    // Assess
    expect(report).toMatchObject({ ok: false, lost: 0, duplicated: 1 });
    expect(report.text).toMatch(/^FAIL {2}0 lost, 1 written twice, 0 originals/m);
  });

  it('fails a run that deleted an original without a verified archive', () => {
    // Prepare
    const wronglyDeleted = [{ pipeline: 'compress', key: 'x.bin', detail: 'deleted' }];

    // Act
    const report = formatReport(input({ wronglyDeleted }));

    // Assess
    expect(report).toMatchObject({ ok: false, wronglyDeleted: 1 });
    expect(report.text).toContain('deleted wrongly:\n  compress  x.bin: deleted');
  });

  it('passes a dead-lettered object and prints its reason', () => {
    // Prepare
    const reason = 'Sandbox.Timedout: Task timed out after 20 seconds';
    const report = input({
      expectations: [{ ...verified, fate: 'dead-lettered', detail: reason }],
    });
    report.deadLetters = [{ pipeline: 'checksum', key: 'a b.txt', reason, attempts: 5 }];

    // Act
    const result = formatReport(report);

    // Assess
    expect(result.ok).toBe(true);
    expect(result.text).toContain(`  checksum  a b.txt (5 receives): ${reason}`);
  });

  it('says which fault kinds no request drew', () => {
    // Act
    const report = formatReport(input({}, ['internal-error']));

    // Assess
    expect(report.text).toMatch(/500 InternalError +1\n/);
    expect(report.text).toMatch(/failed CompleteMultipartUpload.* +0 {3}NOT EXERCISED/);
  });
});

describe('actionable', () => {
  it.each([
    ['Sandbox.Timedout: Task timed out after 20 seconds', true],
    ['TransientError: PUT processed/a.zip: InternalError: try again', true],
    ['failed', false],
    ['', false],
  ])('%j -> %s', (reason, expected) => {
    expect(actionable(reason)).toBe(expected);
  });
});
