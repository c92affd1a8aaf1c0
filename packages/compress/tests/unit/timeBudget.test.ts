import { assumedBytesPerSecond, threadsFor } from '../../src/timeBudget';

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
