import { assumedBytesPerSecond, checkTimeBudget, threadsFor, vcpus } from '../../src/timeBudget';

describe('vcpus', () => {
  it.each([
    [128, 128 / 1769],
    [1769, 1],
    [3538, 2],
    [10240, 10240 / 1769],
    [20000, 6],
  ])('gives %i MB of Lambda memory %f vCPUs (one per 1,769 MB, at most 6)', (memory, cpus) => {
    // Assess
    expect(vcpus(memory, 2)).toBeCloseTo(cpus, 6);
  });

  it('counts the CPUs Node sees outside Lambda', () => {
    // Assess
    expect(vcpus(undefined, 2)).toBe(2);
  });
});

describe('threadsFor', () => {
  it.each([
    [0, 0.29, 2, 1],
    [0, 1, 2, 1],
    [0, 1.2, 2, 2],
    [0, 2, 2, 2],
    [0, 5.79, 6, 6],
    [0, 5.79, 2, 2],
    [4, 5.79, 6, 4],
    [1, 5.79, 6, 1],
  ])(
    'WORKERS=%i with %f vCPUs and %i CPUs seen starts %i threads',
    (workers, cpus, seen, threads) => {
      // Assess
      expect(threadsFor(workers, cpus, seen)).toBe(threads);
    },
  );
});

describe('assumedBytesPerSecond', () => {
  it('counts the rate per vCPU once for each thread that has a vCPU, or for the part vCPU', () => {
    // Assess
    expect(assumedBytesPerSecond(10, 2, 2)).toBe(20e6);
    expect(assumedBytesPerSecond(10, 1, 2)).toBe(10e6);
    expect(assumedBytesPerSecond(10, 1, 0.5)).toBe(5e6);
    expect(assumedBytesPerSecond(10, 6, 5.79)).toBeCloseTo(57.9e6);
  });
});

describe('checkTimeBudget', () => {
  const budget = { key: 'incoming/big.csv', bytesPerSecond: 20e6 };

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
          'times out in 200 s (raise the memory or the timeout, or lower MIN_MB_PER_SECOND_PER_VCPU)',
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
