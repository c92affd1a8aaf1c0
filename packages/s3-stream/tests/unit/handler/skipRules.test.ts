import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createProcessContext } from '../../../src/handler/processContext';
import { processObject } from '../../../src/handler/processObject';
import type { PipelineDefinition } from '../../../src/handler/types';
import type { ObjectRef } from '../../../src/types';
import { fakeLogger, s3Error } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const ETAG = '9b2cf535f27731c974343645a3985328';
const VERSION = 'v1';

/** Writes `out/<key>.res` into bucket `out`; triggered by `in/*.txt`. */
function definition(extra: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return {
    processor: 'test',
    logger: fakeLogger().asLogger,
    trigger: { prefix: 'in/', suffix: '.txt' },
    output: {
      patterns: [{ bucket: 'out', prefix: 'out/' }],
      locate: (ref) => ({ bucket: 'out', key: `out/${ref.key}.res` }),
    },
    process: jest.fn(async () => ({ outcome: 'processed' as const })),
    ...extra,
  };
}

function run(def: PipelineDefinition, ref: ObjectRef) {
  return processObject(
    def,
    ref,
    createProcessContext({ s3, logger: def.logger, processor: 'test' }),
  );
}

const ref = (key: string, extra: Partial<ObjectRef> = {}): ObjectRef => ({
  bucket: 'src',
  key,
  eTag: ETAG,
  versionId: VERSION,
  ...extra,
});

describe('the skip rules', () => {
  beforeEach(() => {
    s3Mock.reset();
    s3Mock.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));
  });

  it.each([
    ['a folder marker', ref('in/folder/'), 'folder-marker'],
    ['a key outside the trigger prefix', ref('elsewhere/a.txt'), 'outside-trigger'],
    ['a key outside the trigger suffix', ref('in/a.csv'), 'outside-trigger'],
    [
      'its own output, even outside the trigger',
      { ...ref('out/in/a.txt'), bucket: 'out' },
      'own-output',
    ],
  ])('skips %s without any S3 call', async (_label, object, reason) => {
    // Prepare
    const def = definition();

    // Act
    const result = await run(def, object);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason });
    expect(def.process).not.toHaveBeenCalled();
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('skips its own output by key when the key is also inside the trigger', async () => {
    // Prepare
    const def = definition({ trigger: { prefix: '', suffix: '' } });

    // Act
    const result = await run(def, { ...ref('out/x.res'), bucket: 'out' });

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'own-output' });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it("applies the function's own key rule after the shared ones, before any request", async () => {
    // Prepare
    const def = definition({
      skip: (r) => (r.key.includes('zip') ? 'already-compressed' : undefined),
    });

    // Act
    const result = await run(def, ref('in/a.zip.txt'));

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-compressed' });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('skips as already-done when the output names this version, after one HEAD of it', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'out', Key: 'out/in/a.txt.res' })
      .resolves({ Metadata: { 'source-version-id': VERSION } });
    const def = definition();

    // Act
    const result = await run(def, ref('in/a.txt'));

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-done' });
    expect(def.process).not.toHaveBeenCalled();
    expect(s3Mock).toReceiveCommandTimes(HeadObjectCommand, 1);
  });

  it('runs the work owed on an already-done object and reports what it returned', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'out', Key: 'out/in/a.txt.res' })
      .resolves({ Metadata: { 'source-version-id': VERSION } });
    const whenDone = jest.fn(async () => ({ sourceAction: 'deleted' }));
    const base = definition();
    const def = definition({ output: { ...base.output, whenDone } });

    // Act
    const result = await run(def, ref('in/a.txt'));

    // Assess
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'already-done',
      output: { sourceAction: 'deleted' },
    });
    expect(whenDone).toHaveBeenCalledWith(
      expect.objectContaining({ key: 'in/a.txt' }),
      expect.objectContaining({ Metadata: { 'source-version-id': VERSION } }),
      expect.anything(),
    );
  });

  it('redoes an output made from another version', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'out', Key: 'out/in/a.txt.res' })
      .resolves({ Metadata: { 'source-version-id': 'v0' } });
    const def = definition();

    // Act
    const result = await run(def, ref('in/a.txt'));

    // Assess
    expect(result).toEqual({ outcome: 'processed' });
    expect(def.process).toHaveBeenCalledTimes(1);
  });

  it('skips a key whose output location names nothing', async () => {
    // Prepare
    const base = definition();
    const def = definition({ output: { ...base.output, locate: () => undefined } });

    // Act & Assess
    await expect(run(def, ref('in/a.txt'))).resolves.toEqual({
      outcome: 'skipped',
      reason: 'outside-trigger',
    });
  });

  describe('a Batch task with neither version id nor ETag', () => {
    it('is pinned by one HEAD of the source to what the key holds now', async () => {
      // Prepare
      s3Mock
        .on(HeadObjectCommand, { Bucket: 'src', Key: 'in/a.txt' })
        .resolves({ ETag: `"${ETAG}"`, ContentLength: 12 });
      const def = definition();

      // Act
      await run(def, { bucket: 'src', key: 'in/a.txt' });

      // Assess
      expect(def.process).toHaveBeenCalledWith(
        { bucket: 'src', key: 'in/a.txt', eTag: ETAG, size: 12, versionId: undefined },
        expect.anything(),
      );
    });

    it('is already-done when the output names the ETag that HEAD found', async () => {
      // Prepare
      s3Mock
        .on(HeadObjectCommand, { Bucket: 'src', Key: 'in/a.txt' })
        .resolves({ ETag: `"${ETAG}"`, ContentLength: 12 })
        .on(HeadObjectCommand, { Bucket: 'out', Key: 'out/in/a.txt.res' })
        .resolves({ Metadata: { 'source-etag': ETAG } });
      const def = definition();

      // Act & Assess
      await expect(run(def, { bucket: 'src', key: 'in/a.txt' })).resolves.toEqual({
        outcome: 'skipped',
        reason: 'already-done',
      });
    });

    it('is gone when the key holds nothing', async () => {
      // Act & Assess
      await expect(run(definition(), { bucket: 'src', key: 'in/a.txt' })).resolves.toEqual({
        outcome: 'skipped',
        reason: 'gone',
      });
    });

    it('is own-output when the object says this processor wrote it', async () => {
      // Prepare
      s3Mock
        .on(HeadObjectCommand, { Bucket: 'src', Key: 'in/a.txt' })
        .resolves({ ETag: `"${ETAG}"`, Metadata: { processor: 'test' } });

      // Act & Assess
      await expect(run(definition(), { bucket: 'src', key: 'in/a.txt' })).resolves.toEqual({
        outcome: 'skipped',
        reason: 'own-output',
      });
    });
  });
});
