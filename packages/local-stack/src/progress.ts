import { formatBytes } from './status';

/** Without a terminal, a progress line at most this often (and always the last one). */
const PLAIN_INTERVAL_MS = 2_000;
const BAR_WIDTH = 24;

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
  bytes: number;
  totalBytes: number;
  elapsedMs: number;
}

function eta(state: ProgressState): string {
  if (state.done === 0 || state.done >= state.total) return '-';
  const seconds = ((state.total - state.done) * state.elapsedMs) / state.done / 1000;
  return seconds < 90 ? `${Math.ceil(seconds)}s` : `${Math.ceil(seconds / 60)}m`;
}

/** `[######....] 512/1000 objects  1.2 MiB/2.3 MiB  41.0 obj/s  ETA 12s  (3 failed)` */
export function progressLine(state: ProgressState): string {
  const ratio = state.total === 0 ? 1 : state.done / state.total;
  const filled = Math.round(ratio * BAR_WIDTH);
  const rate = state.elapsedMs > 0 ? (state.done * 1000) / state.elapsedMs : 0;
  const failed = state.failed ? `  (${state.failed} failed)` : '';
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${state.done}/${state.total} objects  ` +
    `${formatBytes(state.bytes)}/${formatBytes(state.totalBytes)}  ${rate.toFixed(1)} obj/s  ` +
    `ETA ${eta(state)}${failed}`
  );
}

/**
 * A progress bar redrawn in place on a terminal (carriage return, clear line), and plain lines
 * elsewhere, at most one every two seconds, because a log file would otherwise get a line per
 * object.
 */
export class ProgressBar {
  private lastPlain = -Infinity;

  constructor(
    private readonly live: boolean,
    private readonly write: (text: string) => void,
  ) {}

  update(state: ProgressState): void {
    const last = state.done >= state.total;
    if (this.live) {
      this.write(`\r\x1b[2K${progressLine(state)}${last ? '\n' : ''}`);
      return;
    }
    if (!last && Date.now() - this.lastPlain < PLAIN_INTERVAL_MS) return;
    this.lastPlain = Date.now();
    this.write(`progress  ${progressLine(state)}\n`);
  }
}
