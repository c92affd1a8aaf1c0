import { chooseFault, cutPoint, PER_ATTEMPT, type FaultQuestion } from '../../src/chaos/faults';
import { s3Operation } from '../../src/chaos/s3Operation';
import { planWorkload } from '../../src/chaos/workload';

const question = (identity: string, occurrence = 0): FaultQuestion => ({
  seed: 7,
  rate: 0.05,
  operation: 'GetObject',
  identity,
  occurrence,
});

describe('chooseFault', () => {
  it('gives a request the same fault for the same seed, whatever else was asked before', () => {
    // Prepare
    const names = Array.from({ length: 500 }, (_, i) => `checksum|GetObject|b/k${i}|`);

    // Act
    const forwards = names.map((n) => chooseFault(question(n)));
    const backwards = [...names].reverse().map((n) => chooseFault(question(n)));

    // Assess
    expect(backwards.reverse()).toEqual(forwards);
    expect(forwards.filter(Boolean).length).toBeGreaterThan(0);
  });

  it('fires each kind at the rate, over the requests it applies to', () => {
    // Act
    const counts = new Map<string, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const kind = chooseFault(question(`p|GetObject|b/k${i}|`));
      if (kind) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }

    // Assess
    expect([...counts.keys()].sort()).toEqual([...PER_ATTEMPT.GetObject].sort());
    for (const count of counts.values()) expect(Math.abs(count / n - 0.05)).toBeLessThan(0.006);
  });

  it('gives every retry of a part the part failure drawn for it', () => {
    // Prepare: the first of many parts whose draw is a failure, at rate 0.2.
    const part = (id: string, occurrence: number): FaultQuestion => ({
      seed: 7,
      rate: 0.2,
      operation: 'UploadPart',
      identity: id,
      occurrence,
      stickyIdentity: id,
    });
    const ids = Array.from({ length: 200 }, (_, i) => `p|UploadPart|b/k${i}|upload 0|part 1`);
    const failing = ids.find((id) => chooseFault(part(id, 0)) === 'upload-part-failed')!;

    // Act
    const retries = [1, 2, 3].map((occurrence) => chooseFault(part(failing, occurrence)));

    // Assess
    expect(retries).toEqual(['upload-part-failed', 'upload-part-failed', 'upload-part-failed']);
  });

  it('injects nothing at rate 0', () => {
    expect(chooseFault({ ...question('x'), rate: 0 })).toBeUndefined();
  });

  it('cuts a body between its first and its last byte', () => {
    for (let i = 0; i < 100; i++) {
      const cut = cutPoint(question(`k${i}`), 1000);
      expect(cut).toBeGreaterThanOrEqual(100);
      expect(cut).toBeLessThan(900);
    }
    expect(cutPoint(question('k'), 1)).toBe(0);
  });
});

describe('s3Operation', () => {
  it.each([
    ['GET', '/b/dir/a%20b.txt?x-id=GetObject', {}, 'GetObject'],
    ['GET', '/b/dir/a%20b.txt?attributes', {}, 'GetObjectAttributes'],
    ['HEAD', '/b/dir/a%20b.txt', {}, 'HeadObject'],
    ['PUT', '/b/dir/a%20b.txt?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/b/dir/a%20b.txt', { 'x-amz-copy-source': '/b/src' }, 'CopyObject'],
    ['POST', '/b/dir/a%20b.txt?uploads', {}, 'CreateMultipartUpload'],
    ['PUT', '/b/dir/a%20b.txt?partNumber=2&uploadId=u1', {}, 'UploadPart'],
    ['POST', '/b/dir/a%20b.txt?uploadId=u1', {}, 'CompleteMultipartUpload'],
    ['DELETE', '/b/dir/a%20b.txt?uploadId=u1', {}, 'AbortMultipartUpload'],
    ['DELETE', '/b/dir/a%20b.txt', {}, 'DeleteObject'],
    ['GET', '/b?list-type=2', {}, 'ListObjects'],
    ['PUT', '/b/dir/a%20b.txt?tagging', {}, 'Other'],
  ])('%s %s %j is %s', (method, url, headers, name) => {
    expect(s3Operation(method, url, headers).name).toBe(name);
  });

  it('decodes the key, as stored', () => {
    expect(s3Operation('GET', '/b/%E6%9D%B1%E4%BA%AC/a%2Bb%20100%25.txt', {}).key).toBe(
      '東京/a+b 100%.txt',
    );
  });
});

describe('planWorkload', () => {
  const plan = (seed: number) =>
    planWorkload({
      seed,
      objects: 300,
      maxSize: 2 * 1024 * 1024,
      images: 3,
      targets: {
        checksum: { bucket: 'uploads', prefix: '' },
        compress: { bucket: 'inbox', prefix: 'incoming/' },
        'image-resize': { bucket: 'photos', prefix: '' },
      },
    });

  it('is the same plan for the same seed, another for another', () => {
    expect(plan(1)).toEqual(plan(1));
    expect(plan(2)).not.toEqual(plan(1));
  });

  it('names every object once, within the size cap, under its pipeline prefix', () => {
    // Act
    const objects = plan(3);

    // Assess
    expect(new Set(objects.map((o) => `${o.bucket}/${o.key}`)).size).toBe(objects.length);
    expect(objects.every((o) => o.versions.every((v) => v.size <= 2 * 1024 * 1024))).toBe(true);
    expect(
      objects.filter((o) => o.bucket === 'inbox').every((o) => o.key.startsWith('incoming/')),
    ).toBe(true);
    expect(new Set(objects.map((o) => o.scenario))).toEqual(
      new Set(['plain', 'overwritten', 'deleted', 'twice']),
    );
  });
});
