import { availableParallelism } from 'node:os';

/** Lambda gives one vCPU per this many MB of memory (documented), up to LAMBDA_MAX_VCPUS. */
export const LAMBDA_MB_PER_VCPU = 1769;
export const LAMBDA_MAX_VCPUS = 6;

/** The function's memory as Lambda sets it; undefined outside Lambda. */
function lambdaMemoryMb(): number | undefined {
  const memory = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  return Number.isFinite(memory) && memory > 0 ? memory : undefined;
}

/**
 * The vCPUs the function has: in Lambda its memory buys them (one per 1,769 MB, up to 6, and a
 * fraction below 1,769 MB: Lambda gives CPU time in proportion), elsewhere the CPUs Node sees.
 */
export function vcpus(
  memoryMb: number | undefined = lambdaMemoryMb(),
  available = availableParallelism(),
): number {
  return memoryMb === undefined
    ? available
    : Math.min(LAMBDA_MAX_VCPUS, memoryMb / LAMBDA_MB_PER_VCPU);
}
