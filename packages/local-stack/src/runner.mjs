// One warm Lambda "container": loads <task>/index.js once (cold start), then runs
// handler(event, context) for each invoke message from the parent, one at a time. The parent
// sets NODE_PATH to <opt>/nodejs/node_modules, which is how Lambda puts layers on the module path.
//
// Messages in:  { type: 'invoke', id, event, deadlineMs, requestId }
// Messages out: { type: 'ready', layer } | { type: 'log', text } | { type: 'result', id, ok, result | error }
import { createRequire } from 'node:module';
import { join } from 'node:path';

const taskDir = process.cwd();
const send = (message) => {
  if (process.connected) process.send(message);
};

// Every write to stdout/stderr becomes a log message, in order with the results on the same
// channel, so the parent can tell which invocation wrote which line.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    send({ type: 'log', text });
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') done();
    return true;
  };
}

function describeError(error) {
  return {
    name: error?.name ?? 'Error',
    message: error?.message ?? String(error),
    stack: error?.stack,
  };
}

const taskRequire = createRequire(join(taskDir, 'index.js'));
let handler;
let initError;
let layer = null;
try {
  try {
    layer = taskRequire.resolve('@s3-pipelines/s3-stream');
  } catch {
    layer = null;
  }
  const mod = taskRequire('./index.js');
  handler = mod.handler;
  if (typeof handler !== 'function') {
    const error = new Error('index.handler is undefined or not exported');
    error.name = 'Runtime.HandlerNotFound';
    throw error;
  }
} catch (error) {
  initError = describeError(error);
}
send({ type: 'ready', layer, initError });

const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'local';
const region = process.env.AWS_REGION ?? 'us-east-1';

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  const { id, event, deadlineMs, requestId } = message;
  if (initError) {
    send({ type: 'result', id, ok: false, error: initError });
    return;
  }
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  try {
    const result = await handler(event, context);
    send({ type: 'result', id, ok: true, result: result ?? null });
  } catch (error) {
    send({ type: 'result', id, ok: false, error: describeError(error) });
  }
});
// The parent owns this environment's life: a Ctrl-C in the terminal reaches the whole process
// group, but only the parent decides when to stop (and exits us through the IPC channel).
process.on('SIGINT', () => undefined);
process.on('disconnect', () => process.exit(0));
