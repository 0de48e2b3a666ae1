import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LOCAL_CACHE_ROOT } from '#local/cache-root.ts';
import { type LoadedService, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { LocalStack } from './local-stack.ts';
import type { SynthesisInput } from './synthesize-stack.ts';

/** Where the stack's reading is kept between starts (git-ignored with node_modules). */
export const STACK_CACHE_DIR = path.join(LOCAL_CACHE_ROOT, 'stack');

/** What the synthesized stack depends on, besides the declaration files, cdk.json and the input. */
const SOURCE_DIRS = ['infra', 'src/declaration', 'local/stack', 'local/dynamodb'] as const;

export interface LoadedStack {
  readonly stack: LocalStack;
  /** True when the app had to be synthesized (nothing cached for these inputs). */
  readonly synthesized: boolean;
}

/**
 * The stack as the local system runs it, from a cache keyed by a hash of its inputs (the
 * declarations, the stack's and this reader's code, cdk.json, the aws-cdk-lib version, the
 * account and context); on a miss the app is synthesized in this process and the result kept.
 *
 * @example
 * const { stack } = await loadStack(services, { account: { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID } });
 */
export async function loadStack(
  services: readonly LoadedService[],
  input: SynthesisInput,
  cacheDir: string = STACK_CACHE_DIR,
): Promise<LoadedStack> {
  const key = await inputsHash(services, input);
  const file = path.join(cacheDir, `${key}.json`);
  const cached = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as LocalStack,
    () => undefined,
  );
  if (cached) return { stack: cached, synthesized: false };
  const { synthesizeStack } = await import('./synthesize-stack.ts');
  const stack = await synthesizeStack(services, input);
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed, so a concurrent start never reads half a file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, JSON.stringify(stack));
  await rename(partial, file);
  return { stack, synthesized: true };
}

async function inputsHash(services: readonly LoadedService[], input: SynthesisInput): Promise<string> {
  const hash = createHash('sha256');
  const cdkVersion = (createRequire(import.meta.url)('aws-cdk-lib/package.json') as { version: string })
    .version;
  hash.update(JSON.stringify({ account: input.account, context: input.context ?? {}, cdkVersion }));
  const files = [path.join(PROJECT_ROOT, 'cdk.json'), ...services.map((s) => s.file)];
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
