import { parseArgs } from 'node:util';
import { UsageError } from '../errors';
import { MAX_RATE } from './faults';

export const CHAOS_USAGE = `usage: npm run chaos -- [options]      build dist/, then run the fault run

options:
  --objects <n>       objects to upload (default 1000)
  --fault-rate <r>    each fault kind's share of the requests it applies to, 0 to ${MAX_RATE} (default 0.05)
  --seed <n>          the seed every fault and the whole workload come from (default 1)
  --var-file <path>   tfvars JSON (default terraform/envs/dev.tfvars.json)
  --timeout-s <n>     cap on every pipeline's timeout_s, 10 to 900 (default 20): a slow response
                      that runs into the timeout costs this much of its pipeline's time (at
                      least 10: a queue batch keeps 5 s in reserve, MIN_TIME_LEFT_MS)
  --max-size <MiB>    the largest object (default 40)
  --data-dir <dir>    an empty or new directory for the stack's logs and dead letters
                      (default a new one under the system temp dir; printed at the end)
  --keep-objects      keep our copy of every uploaded object under <data-dir>/chaos/objects
  --no-build          use dist/ as built
  -h, --help          print this and exit

Exit status 0 when nothing is lost, written twice or deleted wrongly (docs/chaos.md), 1 when
something is, 2 for a usage mistake.`;

export interface ChaosCliOptions {
  objects: number;
  faultRate: number;
  seed: number;
  varFile: string;
  dataDir?: string;
  timeoutS: number;
  maxSizeMiB: number;
  build: boolean;
  keepObjects: boolean;
  help: boolean;
}

function number(flag: string, raw: string, min: number, max: number, integer = true): number {
  const value = Number(raw);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw new UsageError(
      `--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${raw}`,
    );
  return value;
}

/** The flags, all checked before anything slow starts. */
export function parseChaosArgs(args: string[]): ChaosCliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        objects: { type: 'string', default: '1000' },
        'fault-rate': { type: 'string', default: '0.05' },
        seed: { type: 'string', default: '1' },
        'var-file': { type: 'string', default: 'terraform/envs/dev.tfvars.json' },
        'data-dir': { type: 'string' },
        'timeout-s': { type: 'string', default: '20' },
        'max-size': { type: 'string', default: '40' },
        'keep-objects': { type: 'boolean', default: false },
        'no-build': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  return {
    objects: number('objects', v.objects!, 1, 100_000),
    faultRate: number('fault-rate', v['fault-rate']!, 0, MAX_RATE, false),
    seed: number('seed', v.seed!, 0, 2 ** 31 - 1),
    varFile: v['var-file']!,
    ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}),
    timeoutS: number('timeout-s', v['timeout-s']!, 10, 900),
    maxSizeMiB: number('max-size', v['max-size']!, 0, 1024, false),
    build: !v['no-build'],
    keepObjects: v['keep-objects']!,
    help: v.help!,
  };
}
