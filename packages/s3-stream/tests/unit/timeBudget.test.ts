import { checkTimeBudget } from '../../src/timeBudget';

describe('checkTimeBudget', () => {
  const budget = {
    key: 'incoming/big.csv',
    bytesPerSecond: 20e6,
    hint: 'raise the memory or the timeout',
  };

  it('refuses an object that would take longer than the time left, naming size, rate and time', () => {
    // Act: 5 GB at 20 MB/s is 250 s; 200 s are left.
    const act = (): void => checkTimeBudget(5e9, { ...budget, remainingMs: 200_000 });

    // Assess
    expect(act).toThrow(
      expect.objectContaining({
        name: 'WouldTimeOutError',
        retryable: false,
        message:
          'incoming/big.csv is 5000000000 bytes: at 20 MB/s it needs 250 s, but the invocation ' +
          'times out in 200 s (raise the memory or the timeout)',
      }) as Error,
    );
  });

  it('lets through what fits, and everything outside Lambda or with the check off', () => {
    // Assess
    expect(() => checkTimeBudget(5e9, { ...budget, remainingMs: 251_000 })).not.toThrow();
    expect(() => checkTimeBudget(5e9, { ...budget, remainingMs: Infinity })).not.toThrow();
    expect(() =>
      checkTimeBudget(5e9, { ...budget, bytesPerSecond: 0, remainingMs: 1 }),
    ).not.toThrow();
  });
});
