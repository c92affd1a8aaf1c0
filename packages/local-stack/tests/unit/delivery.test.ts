import { directOutcome, outcomesFromLogs } from '../../src/delivery';

describe('outcomesFromLogs', () => {
  it('reads the per-object lines createPipelineHandler writes and ignores the rest', () => {
    const lines = [
      '{"level":"INFO","message":"object processed","key":"a.txt","outcome":"processed"}',
      '{"level":"INFO","message":"object skipped","key":"b.md5","outcome":"skipped","reason":"own-output"}',
      '{"level":"ERROR","message":"object failed","key":"c","outcome":"failed","error":"AccessDenied"}',
      '{"level":"INFO","message":"cold start"}',
      'TypeError: not json at all',
    ];

    expect(outcomesFromLogs(lines)).toEqual([
      { key: 'a.txt', outcome: 'processed', reason: undefined },
      { key: 'b.md5', outcome: 'skipped', reason: 'own-output' },
      { key: 'c', outcome: 'failed', reason: 'AccessDenied' },
    ]);
  });
});

describe('directOutcome', () => {
  const base = { durationMs: 5, requestId: 'r' };

  it('takes the first object of the handler summary', () => {
    const result = {
      ...base,
      ok: true as const,
      result: {
        processed: 0,
        skipped: 1,
        failed: 0,
        objects: [{ outcome: 'skipped', reason: 'gone' }],
      },
    };

    expect(directOutcome(result)).toEqual({ outcome: 'skipped', reason: 'gone' });
  });

  it('reports a thrown error as failed with its name', () => {
    const result = {
      ...base,
      ok: false as const,
      error: { name: 'TransientError', message: 'SlowDown' },
    };

    expect(directOutcome(result)).toEqual({
      outcome: 'failed',
      reason: 'TransientError: SlowDown',
    });
  });
});
