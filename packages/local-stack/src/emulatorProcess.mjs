// Runs fauxqs in its own process (it is ESM-only and keeps every object in memory, so it stays out
// of the processes we measure). Prints one JSON line {"port": N} when ready; stops on SIGTERM.
import { startFauxqs } from 'fauxqs';

const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
// Started by emulator.ts: stdin closes when the parent exits, even by SIGKILL, so never outlive
// it; and a Ctrl-C or a closed terminal reaching the whole process group is the parent's to act
// on (cli.ts stops on both), not ours.
if (process.env.EMULATOR_EXIT_WITH_PARENT === '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
} else {
  process.on('SIGINT', stop);
}
