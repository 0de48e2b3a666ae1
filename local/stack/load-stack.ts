import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CDK_JSON } from '#infra/cdk-json.ts';
import { LOCAL_CACHE_ROOT } from '#local/cache-root.ts';
import type { ApiSettings } from '#src/declaration/api-settings.ts';
import { type LoadedService, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import type { LogLevel } from '#src/declaration/log-levels.ts';
import { LOCAL_ACCOUNT_ID } from '../local-account.ts';
import type { LocalStack } from './local-stack.ts';
import type { SynthesisInput } from './synthesize-stack.ts';

/** Where the stack's reading is kept between starts (git-ignored with node_modules). */
export const STACK_CACHE_DIR = path.join(LOCAL_CACHE_ROOT, 'stack');

/** What the synthesized stack depends on, besides the declaration files, cdk.json and the input. */
const SOURCE_DIRS = ['infra', 'src/declaration', 'local/stack', 'local/dynamodb'] as const;

/**
 * What the local system synthesizes for a stage: `cdk synth -c stageName=… -c logLevel=…` as the
 * stage's settings and the log level chosen give it, in the local account. `npm start` and `npm run
 * invoke` read the same stack through it.
 */
export function stackInputFor(api: ApiSettings, logLevel: LogLevel, region: string): SynthesisInput {
  return {
    account: { region, accountId: LOCAL_ACCOUNT_ID },
    context: {
      stageName: api.stageName,
      throttlingRateLimit: api.throttlingRateLimit,
      throttlingBurstLimit: api.throttlingBurstLimit,
      corsOrigins: [...api.corsOrigins],
      openTutorial: api.openTutorial,
      logLevel,
    },
  };
}

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
