import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the CPU of a measured run went, from Linux's own counters: the measured process, the
 * benchmark's server, and everything else on the machine (other jobs). On a 2-core machine a
 * throughput figure means little without it: it tells a slow function from a busy machine, and
 * a function that is the limit from a harness that is.
 */

const TICKS_PER_SECOND = ((): number => {
  const run = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(run.stdout?.trim()) || 100;
})();

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** The child of this process whose command line contains `marker`, if there is one. */
export function childPid(marker: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** Busy core-seconds of the whole machine so far (every state but idle and iowait). */
export function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq, steal] = cpu.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

/** CPU seconds of the server, whichever process it runs in. */
export type ServerCpu = () => number;

/** The server runs in this process (the synthetic endpoint). */
export const ownCpu: ServerCpu = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

/** The server is a child process (the emulator). */
export const childCpu =
  (pid: number): ServerCpu =>
  () =>
    processCpuSeconds(pid);

export interface CpuShare {
  /** Wall seconds the run took, start-up included. */
  wall: number;
  /** Core-seconds: the measured process, the server, the rest of the machine. */
  worker: number;
  server: number;
  others: number;
}

/**
 * Runs `run` and splits the machine's busy time over it between the worker (as `workerCpu`
 * reports it from the run's result), the server and everything else.
 */
export async function withCpuShare<T>(
  server: ServerCpu,
  run: () => Promise<T>,
  workerCpu: (result: T) => number,
): Promise<{ result: T; share: CpuShare }> {
  const machine = machineBusySeconds();
  const serverBefore = server();
  const started = process.hrtime.bigint();
  const result = await run();
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const busy = machineBusySeconds() - machine;
  const worker = workerCpu(result);
  const serverUsed = server() - serverBefore;
  return {
    result,
    share: { wall, worker, server: serverUsed, others: Math.max(0, busy - worker - serverUsed) },
  };
}
