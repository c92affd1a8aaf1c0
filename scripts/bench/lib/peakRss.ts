import { readFileSync } from 'node:fs';

/**
 * This process's peak RSS in MiB since it started its program: Linux's VmHWM. Not
 * resourceUsage().maxRSS: across exec Linux keeps the high-water mark of the process that forked,
 * so a run spawned by a benchmark holding its inputs in memory would report the benchmark's RSS.
 */
export function peakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux: maxRSS is all there is.
  }
  return process.resourceUsage().maxRSS / 1024;
}
