import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { startEmulator, type Emulator } from './emulator';
import { LocalStackError } from './errors';
import { Delivery, invocationRecord, type Invocation } from './delivery';
import type { CreatedObject } from './events';
import { MetricsLog, type EmfDocument } from './metricsLog';
import { startProxy, type Proxy } from './proxy';
import { routesFor, validatedRoutes, type Route } from './routing';
import { prepareRuntime } from './runtime';
import { CATALOG } from './catalog';
import {
  functionName,
  loadTfvars,
  parseTfvars,
  realBucketName,
  terraformEnvironment,
  type Tfvars,
} from './tfvars';
import { FunctionWorker } from './workers';

export const DEFAULT_PORT = 4566;
export const DEFAULT_VAR_FILE = 'terraform/envs/dev.tfvars.json';
/** Under `<dataDir>/logs/`: one JSON line per invocation (format in the package README). */
export const INVOCATION_LOG = 'invocations.jsonl';

export interface LocalStackOptions {
  /** tfvars JSON file; ignored when `config` is given. Default terraform/envs/dev.tfvars.json. */
  varFile?: string;
  /** The tfvars content itself (validated like the file). */
  config?: unknown;
  /** Port of the S3 endpoint on 127.0.0.1. Default 4566; 0 picks a free one. */
  port?: number;
  /** Runtime dirs, logs, dead letters and outputs.json go here. Default .local */
  dataDir?: string;
  /** Where scripts/build.ts wrote the zips. Default dist */
  distDir?: string;
  /** POWERTOOLS_LOG_LEVEL for every function. Default INFO */
  logLevel?: string;
  /** Called after every invocation (each retry counts); each is also a line of INVOCATION_LOG. */
  onInvocation?: (invocation: Invocation) => void;
  /** Every line a function logs (they always go to <dataDir>/logs/<pipeline>.log too). */
  onFunctionLog?: (pipeline: string, line: string) => void;
  /** Every EMF metrics document a function prints (also appended to <dataDir>/metrics/<pipeline>.jsonl). */
  onMetrics?: (pipeline: string, doc: EmfDocument) => void;
  /** Problems that do not stop the stack (an event that could not be dispatched). */
  onWarning?: (message: string) => void;
  /**
   * The S3 endpoint a pipeline's function is given as AWS_ENDPOINT_URL_S3, from the stack's own
   * (e.g. a fault-injecting proxy in front of it: scripts/chaos.ts). Default: the stack's own.
   */
  functionEndpoint?: (s3Endpoint: string, pipeline: string) => string;
}

export interface LocalStack {
  /** http://127.0.0.1:PORT, for any S3 client (path-style). */
  endpoint: string;
  /**
   * The emulator itself, behind the event proxy: what is written here raises no event, as if it
   * had been uploaded before the pipeline existed (what a backfill is for).
   */
  emulatorEndpoint: string;
  port: number;
  region: string;
  /** Logical name -> real bucket name. */
  buckets: Record<string, string>;
  routes: Route[];
  /** Every invocation so far, oldest first. */
  invocations: Invocation[];
  dataDir: string;
  /** `<dataDir>/logs/invocations.jsonl`, appended to across restarts like the function logs. */
  invocationLog: string;
  /** Resolves once no event is in flight and every function is idle; rejects after timeoutMs. */
  waitForIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Layers a function needs, from the catalog Terraform reads too. */
export function layersOf(route: Route, vars: Tfvars): string[] {
  const arch = vars.pipelines[route.pipeline]!.architecture;
  return CATALOG.functions[route.function]!.layers.map((l) => l.replace('{arch}', arch));
}

/** The variables Terraform's function module sets (terraform/main.tf), plus Lambda's own. */
export function functionEnv(
  route: Route,
  vars: Tfvars,
  endpoint: string,
  logLevel: string,
): Record<string, string> {
  const p = vars.pipelines[route.pipeline]!;
  return {
    AWS_REGION: vars.region,
    AWS_DEFAULT_REGION: vars.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    // Standard SDK configuration, so function code has no idea it is not in AWS.
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName(vars, route.pipeline),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(p.memory_mb),
    ...p.settings,
    ...terraformEnvironment(vars.project, route.pipeline, p),
    OUTPUT_BUCKET: realBucketName(vars, route.outputBucket),
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

async function createBuckets(emulator: Emulator, vars: Tfvars, region: string) {
  const s3 = new S3Client({
    endpoint: emulator.endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const buckets: Record<string, string> = {};
    for (const logical of Object.keys(vars.buckets)) {
      buckets[logical] = realBucketName(vars, logical);
      await s3.send(new CreateBucketCommand({ Bucket: buckets[logical] }));
    }
    return buckets;
  } finally {
    s3.destroy();
  }
}

function writeOutputs(
  dataDir: string,
  endpoint: string,
  emulatorEndpoint: string,
  buckets: Record<string, string>,
): void {
  const output = (value: unknown) => ({
    sensitive: false,
    type: typeof value === 'string' ? 'string' : ['map', 'string'],
    value,
  });
  const outputs = {
    endpoint: output(endpoint),
    // Backfill seeds objects here: writes that raise no event (packages/local-stack/README.md).
    emulator_endpoint: output(emulatorEndpoint),
    buckets: output(buckets),
    // terraform/outputs.tf calls the same map bucket_names.
    bucket_names: output(buckets),
  };
  writeFileSync(join(dataDir, 'outputs.json'), `${JSON.stringify(outputs, null, 2)}\n`);
}

/**
 * Starts the whole local pipeline: emulator, event-emitting endpoint, buckets, and one warm
 * runtime per pipeline running the built zips. Everything it starts, `stop()` stops.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const vars =
    options.config !== undefined
      ? parseTfvars(options.config, 'config')
      : loadTfvars(options.varFile ?? DEFAULT_VAR_FILE);
  const routes = validatedRoutes(vars);
  const dataDir = resolve(options.dataDir ?? '.local');
  const distDir = resolve(options.distDir ?? 'dist');
  const logLevel = options.logLevel ?? 'INFO';
  const warn = options.onWarning ?? ((message: string) => console.warn(`local-stack: ${message}`));
  // Logs are only ever appended to: what happened before a restart is what one looks for after.
  mkdirSync(join(dataDir, 'logs'), { recursive: true });
  const invocationLog = join(dataDir, 'logs', INVOCATION_LOG);
  const metricsLog = new MetricsLog(dataDir);

  const layout = await prepareRuntime(
    distDir,
    join(dataDir, 'runtime'),
    Object.fromEntries(
      routes.map((r) => [r.pipeline, { function: r.function, layers: layersOf(r, vars) }]),
    ),
  );

  const invocations: Invocation[] = [];
  const deliveries = new Map<string, Delivery>();
  const workers: FunctionWorker[] = [];
  const logicalOf = new Map(
    Object.keys(vars.buckets).map((logical) => [realBucketName(vars, logical), logical]),
  );
  const dispatch = (object: CreatedObject) => {
    const logical = logicalOf.get(object.bucket);
    if (logical === undefined) return;
    for (const route of routesFor(routes, logical, object.key))
      deliveries.get(route.pipeline)?.enqueue(object);
  };

  let emulator: Emulator | undefined;
  let proxy: Proxy | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const delivery of deliveries.values()) delivery.close();
    await Promise.all(workers.map((w) => w.stop(true)));
    await proxy?.stop();
    await emulator?.stop();
  };

  try {
    emulator = await startEmulator();
    proxy = await startProxy({
      port: options.port ?? DEFAULT_PORT,
      upstreamPort: emulator.port,
      onCreated: dispatch,
      onError: (error) => warn(`could not emit an event: ${error.message}`),
    });
    const buckets = await createBuckets(emulator, vars, vars.region);

    for (const route of routes) {
      const p = vars.pipelines[route.pipeline]!;
      const logFile = join(dataDir, 'logs', `${route.pipeline}.log`);
      // The worker logs before its Delivery exists (cold start); lines go to the file regardless.
      const sink: { delivery?: Delivery } = {};
      const worker = new FunctionWorker({
        taskDir: layout.taskDirs[route.pipeline]!,
        optDir: layout.optDir,
        env: functionEnv(
          route,
          vars,
          options.functionEndpoint?.(proxy.endpoint, route.pipeline) ?? proxy.endpoint,
          logLevel,
        ),
        timeoutMs: p.timeout_s * 1000,
        onLog: (line) => {
          appendFileSync(logFile, `${line}\n`);
          const doc = metricsLog.record(route.pipeline, line);
          if (doc) options.onMetrics?.(route.pipeline, doc);
          sink.delivery?.recordLog(line);
          options.onFunctionLog?.(route.pipeline, line);
        },
      });
      workers.push(worker);
      const delivery = new Delivery({
        route,
        worker,
        region: vars.region,
        functionName: functionName(vars, route.pipeline),
        maxRetries: p.max_retries,
        batchSize: p.batch_size,
        dlqDir: join(dataDir, 'dlq'),
        onInvocation: (invocation) => {
          invocations.push(invocation);
          appendFileSync(invocationLog, `${JSON.stringify(invocationRecord(invocation))}\n`);
          options.onInvocation?.(invocation);
        },
      });
      sink.delivery = delivery;
      deliveries.set(route.pipeline, delivery);
    }

    // Cold-start every runtime now, so a broken bundle or a layer resolved from the wrong place
    // is reported at startup rather than on the first upload.
    const optModules = join(layout.optDir, 'nodejs', 'node_modules') + sep;
    const ready = await Promise.all(workers.map((w) => w.start()));
    ready.forEach(({ layer, initError }, i) => {
      const pipeline = routes[i]!.pipeline;
      if (initError)
        warn(`${pipeline} failed its cold start: ${initError.name}: ${initError.message}`);
      else if (!layer?.startsWith(optModules)) {
        throw new LocalStackError(
          `${pipeline} resolves @s3-pipelines/s3-stream from ${layer ?? 'nowhere'}, not from the layer in ${relative(process.cwd(), optModules)}`,
        );
      }
    });

    writeOutputs(dataDir, proxy.endpoint, emulator.endpoint, buckets);
    const activeProxy = proxy;
    return {
      endpoint: proxy.endpoint,
      emulatorEndpoint: emulator.endpoint,
      port: proxy.port,
      region: vars.region,
      buckets,
      routes,
      invocations,
      dataDir,
      invocationLog,
      async waitForIdle(timeoutMs = 60_000) {
        const deadline = Date.now() + timeoutMs;
        let quietPolls = 0;
        // Two quiet polls in a row: an output written at the end of one invocation has had time
        // to become an event.
        while (quietPolls < 2) {
          const busy = [...deliveries.entries()].filter(([, d]) => !d.idle()).map(([k]) => k);
          const quiet = busy.length === 0 && activeProxy.pending() === 0;
          quietPolls = quiet ? quietPolls + 1 : 0;
          if (Date.now() > deadline) {
            const what = busy.length
              ? `pipelines still busy: ${busy.join(', ')}`
              : 'events in flight';
            throw new LocalStackError(`not idle after ${timeoutMs} ms (${what})`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
