// Runs fauxqs in its own process (it is ESM-only and keeps every object in memory, so it stays out
// of the processes we measure). Prints one JSON line {"port": N} when ready; stops on SIGTERM.
import { startFauxqs } from 'fauxqs';

const storageDir = process.env.EMULATOR_STORAGE_DIR;
const server = await startFauxqs({
  port: Number(process.env.EMULATOR_PORT ?? 0),
  logger: false,
  host: '127.0.0.1',
  ...(storageDir ? { s3StorageDir: storageDir } : {}),
});
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
