import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionable } from '../../packages/local-stack/src/chaos/accounting';
import { runChaos, type ChaosResult } from '../../packages/local-stack/src/chaos/runChaos';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

/**
 * A short fault run (docs/chaos.md): every pipeline of the dev config through the local stack,
 * faults between the functions and S3, every output judged by md5sum, unzip, gzip, cmp and
 * identify. Small objects and a 10 s timeout cap keep it near three minutes; the long run is
 * `npm run chaos -- --objects 1000 --fault-rate 0.05`.
 *
 * CHAOS_OBJECTS=300 npm run test:e2e -- tests/e2e/chaos.test.ts  runs a longer one.
 */
const OBJECTS = Number(process.env.CHAOS_OBJECTS ?? 100);

// Sized for a busy 2-core machine: each slow response costs a 10 s timeout of its pipeline.
jest.setTimeout(600_000);

let work: string;
let result: ChaosResult;

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(join(tmpdir(), 's3p-chaos-e2e-'));
  result = await runChaos({
    objects: OBJECTS,
    faultRate: 0.05,
    seed: 15,
    varFile: join(ROOT, 'terraform', 'envs', 'dev.tfvars.json'),
    distDir: DIST,
    dataDir: join(work, 'data'),
    timeoutS: 10,
    maxSize: 256 * 1024,
  });
  console.log(result.text);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`a fault run of ${OBJECTS} objects at a 5% fault rate`, () => {
  it('injects every kind of fault a small object can meet', () => {
    // Assess: the multipart faults need objects over 8 MiB, which only the long run uploads.
    for (const kind of [
      'reset-before-response',
      'reset-mid-body',
      'internal-error',
      'slow-down',
      'slow-past-timeout',
    ] as const)
      expect(result.faults[kind]).toBeGreaterThan(0);
  });

  it('loses nothing: every object has a verified output or is accounted for', () => {
    // Assess
    const lost = result.accounting.expectations.filter(
      (e) => e.fate === 'missing' || e.fate === 'bad',
    );
    expect(lost).toEqual([]);
    expect(result.lost).toBe(0);
  });

  it('verifies outputs of every pipeline with the outside tools', () => {
    // Assess
    for (const pipeline of ['checksum', 'metadata', 'compress', 'image-resize']) {
      const verified = result.accounting.expectations.filter(
        (e) => e.pipeline === pipeline && e.fate === 'verified',
      );
      expect(verified.length).toBeGreaterThan(0);
    }
  });

  it('writes no output twice for one source version', () => {
    // Assess: the rule every redelivery (retry, SQS receive, duplicate notification, two
    // deliveries of one version in one queue batch) must keep.
    expect(result.accounting.duplicates).toEqual([]);
    expect(result.duplicated).toBe(0);
  });

  it('deletes no original compress could not verify an archive of', () => {
    expect(result.accounting.wronglyDeleted).toEqual([]);
  });

  it('names, for every dead-lettered object, a reason a user can act on', () => {
    // Assess
    const letters = result.accounting.expectations.filter((e) => e.fate === 'dead-lettered');
    expect(letters.every((e) => actionable(e.detail ?? ''))).toBe(true);
  });
});
