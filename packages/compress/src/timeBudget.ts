import { availableParallelism } from 'node:os';

/**
 * The compression threads to start: `workers` asked for (0 = as many as there are vCPUs), no
 * more than the vCPUs rounded up (a part vCPU is still CPU time a thread can use; below 1,769
 * MB that is one thread) and no more than the CPUs Node sees.
 */
export function threadsFor(
  workers: number,
  cpus: number,
  available = availableParallelism(),
): number {
  const most = Math.max(1, Math.min(Math.ceil(cpus - 1e-9), available));
  return workers === 0 ? most : Math.min(workers, most);
}

/**
 * The rate counted on: MIN_MB_PER_SECOND_PER_VCPU for each vCPU that compresses (`threads`
 * of them, or the fraction of one vCPU that a small function has).
 */
export function assumedBytesPerSecond(mbPerVcpu: number, threads: number, cpus: number): number {
  return mbPerVcpu * 1e6 * Math.min(threads, cpus);
}
