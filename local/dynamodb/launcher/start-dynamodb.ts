import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { makeDataFolderPrivate, PRIVATE_DIR_MODE } from '#local/private-data-folder.ts';
import { startDynamoDbLocal } from '../engines/dynamodb-local-engine.ts';
import type { EngineChoice, EngineName, RunningDynamoDb } from '../engines/engine.ts';
import { useExternalDynamoDb } from '../engines/external-engine.ts';
import { findJava, type JavaRuntime, MINIMUM_JAVA_MAJOR } from '../engines/find-java.ts';
import type { RestartableDynamoDb } from './supervise.ts';

export interface DynamoDbOptions {
  /** `auto` runs DynamoDB Local when Java 17+ (a JRE is enough) is installed, dynalite otherwise. */
  readonly engine: EngineChoice;
  /** Parent of the per-engine data folders (`<dataDir>/dynamodb-local`, `<dataDir>/dynalite`). */
  readonly dataDir: string;
  /** Keep nothing on disk: every start begins with no tables. */
  readonly inMemory: boolean;
  /** Required by the `external` engine (and chooses it under `auto`), e.g. `http://127.0.0.1:8000`. */
  readonly endpoint?: string;
  /** Where JAVA_HOME and PATH are read from when looking for Java; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the one-line notice goes when the data folder had to be made private; stderr by default. */
  readonly notice?: (line: string) => void;
}

/**
 * Provides the DynamoDB endpoint of the local runtime: starts the chosen engine on a free port of
 * 127.0.0.1, or adopts an external endpoint. Tables are created separately (see `ensureStackTables`).
 *
 * @example
 * const dynamodb = await startDynamoDb({ engine: 'auto', dataDir: '.data', inMemory: false });
 * console.log(`DynamoDB: ${dynamodb.detail} at ${dynamodb.endpoint}`);
 * await dynamodb.stop();
 */
export async function startDynamoDb(options: DynamoDbOptions): Promise<RunningDynamoDb> {
  // The whole data folder (tables, logs, the local user pool) is private before anything opens it;
  // kept in memory or elsewhere, the tables need no folder, but one already there is tightened.
  const onDisk = !options.inMemory && options.engine !== 'external' && !options.endpoint;
  if (options.dataDir) {
    const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
    await makeDataFolderPrivate(path.resolve(options.dataDir), notice, { create: onDisk });
  }
  // An endpoint with `auto` means "use this one": nothing needs starting.
  if (options.engine === 'external' || (options.engine === 'auto' && options.endpoint)) {
    if (!options.endpoint) {
      throw new Error('The external engine needs an endpoint URL, e.g. http://127.0.0.1:8000');
    }
    const reason = options.engine === 'external' ? '--engine external' : 'auto: an endpoint was given';
    return { ...(await useExternalDynamoDb(options.endpoint)), reason };
  }
  if (options.endpoint) {
    throw new Error(`An endpoint is only used by the external engine, not by "${options.engine}"`);
  }
  const found = options.engine === 'dynalite' ? null : await findJava({ env: options.env });
  if (options.engine === 'dynamodb-local') {
    if (!found) {
      throw new Error(
        `DynamoDB Local needs Java ${MINIMUM_JAVA_MAJOR} or newer, and none was found (JAVA_HOME, then PATH). ` +
          `Install Java ${MINIMUM_JAVA_MAJOR}+ (a JRE is enough, e.g. Debian's openjdk-${MINIMUM_JAVA_MAJOR}-jre-headless) ` +
          'or use --engine dynalite.',
      );
    }
  }
  const java = found;
  const engine: EngineName = java ? 'dynamodb-local' : 'dynalite';
  const dataDir = options.inMemory ? null : path.resolve(options.dataDir, engine);
  if (dataDir) await mkdir(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // dynalite (and its storage modules) is loaded only when it is the engine: with DynamoDB Local
  // the JVM is spawned without waiting for them.
  const started = await (java
    ? startRestartable(java, dataDir, 0)
    : import('../engines/dynalite-engine.ts').then(({ startDynalite }) => startDynalite({ dataDir })));
  return { ...started, reason: engineReason(options.engine, found) };
}

/** DynamoDB Local, with the way to start it again on the same folder and port (see superviseDynamoDb). */
async function startRestartable(
  java: JavaRuntime,
  dataDir: string | null,
  port: number,
): Promise<RestartableDynamoDb> {
  const engine = await startDynamoDbLocal({ java, dataDir, port });
  const samePort = Number(new URL(engine.endpoint).port);
  return { ...engine, restart: () => startRestartable(java, dataDir, samePort) };
}

function engineReason(choice: EngineChoice, found: Awaited<ReturnType<typeof findJava>>): string {
  if (choice !== 'auto') return `--engine ${choice}`;
  if (!found) return `auto: no Java ${MINIMUM_JAVA_MAJOR}+ found (JAVA_HOME, PATH), so dynalite`;
  // No compiler is needed: the loopback launcher is committed compiled (LoopbackDynamoDbLocal.jar).
  const launcher = found.javac ? '' : ' (a JRE without javac: the launcher is prebuilt)';
  return `auto: Java ${found.version} at ${found.command} runs DynamoDB Local${launcher}`;
}
