import type { RunningDynamoDb } from '../engines/engine.ts';

/** An engine that runs in a process of its own, so it can die and be started again. */
export interface RestartableDynamoDb extends RunningDynamoDb {
  /** Settles when the engine's process ends, with how it ended. */
  readonly exited: Promise<string>;
  /** Starts the engine again on the same data folder (and port, when free). */
  restart(): Promise<RestartableDynamoDb>;
}

export interface SupervisedDynamoDb {
  /** The engine serving now (a new one after a restart). */
  readonly current: RunningDynamoDb;
  /** Stops supervising, then the engine. */
  stop(): Promise<void>;
}

const RETRY_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000] as const;

/**
 * Watches an engine that can die (DynamoDB Local's JVM): when it ends without `stop()`, says so
 * once through `say`, releases its data folder, starts it again on the same folder and says when
 * it serves again. Functions keep their endpoint (the guard in front forwards to `current`), so
 * nothing else restarts. An in-process engine (dynalite) cannot die apart from this process and
 * is returned as it is.
 *
 * @example
 * const supervised = superviseDynamoDb(engine, (line) => console.log(line));
 * supervised.current.endpoint;
 */
export function superviseDynamoDb(engine: RunningDynamoDb, say: (line: string) => void): SupervisedDynamoDb {
  if (!isRestartable(engine)) return { current: engine, stop: () => engine.stop() };
  let current: RunningDynamoDb = engine;
  let stopping = false;
  let restarting: Promise<void> = Promise.resolve();

  const watch = (running: RestartableDynamoDb) => {
    running.exited.then((how) => {
      if (stopping || current !== running) return;
      say(`  DynamoDB: ${running.detail} stopped unexpectedly (${how}); restarting it on the same data`);
      restarting = restart(running);
    });
  };
  const restart = async (dead: RestartableDynamoDb) => {
    const started = performance.now();
    // Stopping the dead engine releases its data folder's lock, which the new one takes again.
    await dead.stop().catch(() => {});
    for (const delay of RETRY_DELAYS_MS) {
      if (stopping) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        const next = await dead.restart();
        if (stopping) return void (await next.stop());
        current = next;
        watch(next);
        say(`  DynamoDB: serving again at ${next.endpoint} (${Math.round(performance.now() - started)} ms)`);
        return;
      } catch (error) {
        say(
          `  DynamoDB: restart failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
      }
    }
    say('  DynamoDB: gave up restarting the engine; stop and run npm start again');
  };
  watch(engine);
  return {
    get current() {
      return current;
    },
    async stop() {
      stopping = true;
      await restarting;
      await current.stop();
    },
  };
}

function isRestartable(engine: RunningDynamoDb): engine is RestartableDynamoDb {
  return 'exited' in engine && 'restart' in engine;
}
