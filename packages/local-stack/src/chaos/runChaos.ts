import { S3Client } from '@aws-sdk/client-s3';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LocalStackError } from '../errors';
import { validatedRoutes, type Route } from '../routing';
import { startLocalStack, type LocalStack } from '../stack';
import { parseTfvars } from '../tfvars';
import { account, type Accounting } from './accounting';
import { startChaosProxy } from './faultProxy';
import { FAULT_KINDS, type FaultKind } from './faults';
import { IMAGES_PER_FORMAT, makeImages } from './images';
import { readDeadLetters, readInvocations, readProcessed } from './ledger';
import { formatReport, type Report } from './report';
import { requireTools } from './tools';
import type { Target, UploadedObject } from './types';
import { uploadWorkload, writeWorkloadFiles } from './uploader';
import { planWorkload, type Targets } from './workload';

const SAMPLE_PHOTO = join(__dirname, '..', '..', 'samples', 'photo.jpg');

export interface ChaosOptions {
  objects: number;
  /** Each fault kind's share of the requests it applies to (faults.ts). */
  faultRate: number;
  seed: number;
  /** The tfvars file (the dev config by default); its routing is used as it is. */
  varFile: string;
  distDir: string;
  /** Must be empty or absent (the stack appends to its logs); default a new temp dir. */
  dataDir?: string;
  /**
   * Every pipeline's timeout_s is capped at this, so that a slow response that runs into the
   * timeout costs seconds, not the dev config's 900.
   */
  timeoutS: number;
  /** The largest object uploaded, in bytes. */
  maxSize: number;
  /** Uploads in flight at once. Default 4. */
  uploadConcurrency?: number;
  /** Keep our copies of every object under <dataDir>/chaos/objects (they can be large). */
  keepObjects?: boolean;
  /** Progress, one line at a time (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface ChaosResult extends Report {
  dataDir: string;
  accounting: Accounting;
  /** Faults injected, by kind, over every pipeline. */
  faults: Record<FaultKind, number>;
}

/** The source bucket and prefix of the first pipeline of each function the workload aims at. */
function targetsOf(routes: Route[]): Targets {
  const targets: Targets = {};
  for (const fn of ['checksum', 'compress', 'image-resize'] as Target[]) {
    const route = routes.find((r) => r.function === fn);
    if (route) targets[fn] = { bucket: route.sourceBucket, prefix: route.prefix };
  }
  return targets;
}

function freshDataDir(dataDir: string | undefined): string {
  if (dataDir === undefined) return mkdtempSync(join(tmpdir(), 's3p-chaos-'));
  const dir = resolve(dataDir);
  if (existsSync(dir) && readdirSync(dir).length > 0)
    throw new LocalStackError(
      `chaos: ${dir} is not empty; the counts need a data dir of their own`,
    );
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * One chaos run: the local stack with every pipeline of the config, a fault-injecting proxy
 * between its functions and S3, the workload uploaded, every pipeline left to go idle, then every
 * output judged and every object accounted for (docs/chaos.md).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  await requireTools();
  const started = Date.now();
  const config = JSON.parse(readFileSync(options.varFile, 'utf8')) as {
    pipelines?: Record<string, { timeout_s?: number }>;
  };
  for (const p of Object.values(config.pipelines ?? {}))
    p.timeout_s = Math.min(p.timeout_s ?? 300, options.timeoutS);
  const vars = parseTfvars(config, options.varFile);
  const routes = validatedRoutes(vars);
  const pipelines = routes.map((r) => r.pipeline);
  const dataDir = freshDataDir(options.dataDir);
  const work = join(dataDir, 'chaos');
  const images = makeImages(join(work, 'images'), options.seed, SAMPLE_PHOTO);
  const targets = targetsOf(routes);
  const planned = planWorkload({
    seed: options.seed,
    objects: options.objects,
    maxSize: options.maxSize,
    images: IMAGES_PER_FORMAT,
    targets,
  });

  log(`writing the ${planned.length} objects' bytes`);
  writeWorkloadFiles(planned, join(work, 'objects'), options.seed, images);

  const proxy = await startChaosProxy({
    pipelines,
    seed: options.seed,
    rate: options.faultRate,
    stallLimitMs: (options.timeoutS + 30) * 1000,
  });
  const warnings: string[] = [];
  let stack: LocalStack | undefined;
  let s3: S3Client | undefined;
  let progress: NodeJS.Timeout | undefined;
  try {
    log(`starting the local stack (data dir ${dataDir})`);
    stack = await startLocalStack({
      config,
      port: 0,
      dataDir,
      distDir: options.distDir,
      functionEndpoint: (endpoint, pipeline) => {
        proxy.setUpstream(endpoint);
        return proxy.endpointFor(pipeline);
      },
      onWarning: (message) => warnings.push(message),
    });
    s3 = new S3Client({
      endpoint: stack.endpoint,
      region: stack.region,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const running = stack;
    progress = setInterval(() => log(`  ${running.invocations.length} invocations so far`), 30_000);
    let reported = 0;
    const uploaded: UploadedObject[] = await uploadWorkload({
      s3,
      buckets: stack.buckets,
      planned,
      dir: join(work, 'objects'),
      seed: options.seed,
      concurrency: options.uploadConcurrency ?? 4,
      onProgress: (done, total) => {
        if (done === total || done - reported >= Math.max(1, Math.ceil(total / 10))) {
          reported = done;
          log(`uploaded ${done}/${total}`);
        }
      },
    });
    const uploadedAt = Date.now();
    log('waiting until every pipeline is idle');
    // Bounded: a run that does not settle fails with the stack's own message naming what is busy.
    await stack.waitForIdle(600_000 + options.objects * options.timeoutS * 250);
    clearInterval(progress);
    const idleAt = Date.now();
    log('checking every output');
    const invocations = readInvocations(stack.invocationLog);
    const deadLetters = readDeadLetters(dataDir, pipelines);
    const accounting = await account({
      context: { s3, buckets: stack.buckets, vars, dir: join(work, 'checks') },
      routes,
      uploaded,
      invocations,
      deadLetters,
      writes: proxy.stats().writes,
      processed: readProcessed(dataDir, pipelines),
      concurrency: 4,
    });
    const checkedAt = Date.now();
    const report = formatReport({
      objects: options.objects,
      faultRate: options.faultRate,
      seed: options.seed,
      timeoutS: options.timeoutS,
      varFile: options.varFile,
      pipelines,
      buckets: stack.buckets,
      targets,
      uploaded,
      stats: proxy.stats(),
      invocations,
      deadLetters,
      accounting,
      phases: {
        uploadMs: uploadedAt - started,
        idleMs: idleAt - uploadedAt,
        checkMs: checkedAt - idleAt,
        totalMs: checkedAt - started,
      },
      warnings,
    });
    writeFileSync(join(dataDir, 'chaos-report.txt'), `${report.text}\n`);
    const lines = (items: unknown[]) => items.map((i) => `${JSON.stringify(i)}\n`).join('');
    // What the proxy did and saw, for a second look: every fault, every write S3 accepted.
    writeFileSync(join(work, 'faults.jsonl'), lines(proxy.stats().injected));
    writeFileSync(join(work, 'writes.jsonl'), lines(proxy.stats().writes));
    const faults = Object.fromEntries(
      FAULT_KINDS.map((kind) => [
        kind,
        Object.values(proxy.stats().faults).reduce((sum, counts) => sum + counts[kind], 0),
      ]),
    ) as Record<FaultKind, number>;
    return { ...report, dataDir, accounting, faults };
  } finally {
    clearInterval(progress);
    s3?.destroy();
    await stack?.stop();
    await proxy.stop();
    if (!options.keepObjects) {
      rmSync(join(work, 'objects'), { recursive: true, force: true });
      rmSync(join(work, 'checks'), { recursive: true, force: true });
    }
  }
}
