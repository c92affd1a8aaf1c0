import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFERRED_LOG_MESSAGE,
  deferredFromLogs,
  directOutcome,
  outcomesFromLogs,
} from '../../src/delivery';

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

describe('deferredFromLogs', () => {
  it('finds the items the handler deferred, by the line it logs for them', () => {
    // Prepare
    const lines = [
      JSON.stringify({ message: DEFERRED_LOG_MESSAGE, item: 'm-2', remainingMs: 10 }),
      JSON.stringify({ message: 'object processed', key: 'a', outcome: 'processed' }),
      'not json',
    ];

    // Assess
    expect([...deferredFromLogs(lines)]).toEqual(['m-2']);
  });

  it("reads the message the layer's handler actually logs when it defers", () => {
    // Arrange: the one place the handler writes it.
    const source = readFileSync(
      join(__dirname, '../../../s3-stream/src/handler/createPipelineHandler.ts'),
      'utf8',
    );

    // Assess
    expect(source).toContain(`this.logger.warn('${DEFERRED_LOG_MESSAGE}', {`);
    expect(source).toMatch(/item: item\.id/);
  });
});
