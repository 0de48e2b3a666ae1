import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CDK_JSON } from '#infra/cdk-json.ts';
import { type LoadedService, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { LOCAL_CACHE_ROOT } from '../../../cache-root.ts';
import type { FunctionPolicy } from './policy-types.ts';
import type { LocalAccount } from './resolve-intrinsics.ts';

/** Where synthesized policies are kept between starts (git-ignored with node_modules). */
export const POLICY_CACHE_DIR = path.join(LOCAL_CACHE_ROOT, 'iam-policies');

/** What the synthesized policies depend on, besides the declaration files themselves. */
const SOURCE_DIRS = ['infra', 'src/declaration', 'local/dynamodb/guard/iam'] as const;

export interface LoadedPolicies {
  readonly byFunction: ReadonlyMap<string, FunctionPolicy>;
  /** True when the stack had to be synthesized (no cached policies for these sources). */
  readonly synthesized: boolean;
}

/**
 * Each function's policy as the CDK app synthesizes it, from a cache keyed by a hash of the
 * declarations, the stack's code, cdk.json and the aws-cdk-lib version; on a miss the app is
 * synthesized in this process (a few seconds) and the result cached.
 *
 * @example
 * const { byFunction } = await loadFunctionPolicies(services, { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID });
 */
export async function loadFunctionPolicies(
  services: readonly LoadedService[],
  account: LocalAccount,
  cacheDir: string = POLICY_CACHE_DIR,
): Promise<LoadedPolicies> {
  const key = await sourcesHash(services, account);
  const file = path.join(cacheDir, `${key}.json`);
  const cached = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as Record<string, FunctionPolicy>,
    () => undefined,
  );
  if (cached) return { byFunction: new Map(Object.entries(cached)), synthesized: false };
  const { synthesizePolicies } = await import('./synthesize-policies.ts');
  const policies = await synthesizePolicies(services, account);
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so a concurrent start never reads half a file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(policies));
  await rename(partial, file);
  return { byFunction: new Map(Object.entries(policies)), synthesized: true };
}

async function sourcesHash(services: readonly LoadedService[], account: LocalAccount): Promise<string> {
  const hash = createHash('sha256');
  const cdkVersion = (createRequire(import.meta.url)('aws-cdk-lib/package.json') as { version: string })
    .version;
  hash.update(JSON.stringify({ account, cdkVersion }));
  const files = [CDK_JSON, ...services.map((s) => s.file)];
  for (const dir of SOURCE_DIRS) {
    const entries = await readdir(path.join(PROJECT_ROOT, dir), { recursive: true });
    files.push(
      ...entries
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .sort()
        .map((name) => path.join(PROJECT_ROOT, dir, name)),
    );
  }
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(await readFile(file))
      .update('\0');
  return hash.digest('hex').slice(0, 32);
}
