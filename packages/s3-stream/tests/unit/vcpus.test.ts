import { vcpus } from '../../src/vcpus';

describe('vcpus', () => {
  const saved = process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
    else process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = saved;
  });

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
    // Prepare
    delete process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;

    // Assess
    expect(vcpus(undefined, 2)).toBe(2);
    expect(vcpus()).toBeGreaterThanOrEqual(1);
  });

  it('reads the memory Lambda sets when it is not given', () => {
    // Prepare
    process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = '512';

    // Assess
    expect(vcpus()).toBeCloseTo(512 / 1769, 6);
  });
});
