// `npm start` on a machine whose Node.js is not the deployed major: the whole local system runs
// again, as a child process of the deployed major's binary, so that its function instances (worker
// threads, which can only run on the binary of their process) run on the Node.js Lambda runs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { constants } from 'node:os';

/**
 * Runs this process's command line (its flags, e.g. `--import tsx`, and its arguments) again on
 * `execPath` and exits with the child's status. The child has its own process group, so that a
 * Ctrl-C reaches it once (forwarded from here), not twice; and an IPC channel, whose closing tells
 * it that this process is gone (see {@link stopWhenParentGoes}).
 */
export async function rerunOn(execPath: string): Promise<never> {
  const child = spawn(execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      child.kill(signal);
    });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
}

/** In the re-run child: `stop` once the process that started it is gone (even after `kill -9`). */
export function stopWhenParentGoes(stop: () => void): void {
  if (!process.connected) return;
  process.channel?.unref();
  process.once('disconnect', stop);
}
