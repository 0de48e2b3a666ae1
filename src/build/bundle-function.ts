import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../declaration/load-services.ts';
import type { FunctionDeclaration } from '../declaration/types.ts';

export interface BundleRequest {
  /** The declaration file of the function's service. */
  readonly serviceFile: string;
  readonly fn: FunctionDeclaration;
  /** Folder that receives one sub-folder per function, holding `index.mjs`. */
  readonly outDir: string;
}

export interface Bundle {
  readonly functionName: string;
  /** Folder to deploy as the function's code (handler `index.handler`). */
  readonly dir: string;
  readonly file: string;
  readonly bytes: number;
}

/** Node.js version the bundles are compiled for: the oldest the local runtime supports. */
export const BUNDLE_TARGET = 'node20';

/**
 * Builds one function's deployment bundle: a minified ESM file with the AWS SDK inside, whose
 * `handler` export is the declared handler bound to its service. The CDK app deploys exactly
 * this folder and the local runtime runs exactly this file.
 */
export async function bundleFunction({ serviceFile, fn, outDir }: BundleRequest): Promise<Bundle> {
  const dir = path.join(outDir, fn.name);
  const file = path.join(dir, 'index.mjs');
  await mkdir(dir, { recursive: true });
  const entry = [
    `import service from ${JSON.stringify(serviceFile)};`,
    `import { makeHandler } from ${JSON.stringify(path.resolve(PROJECT_ROOT, fn.handler))};`,
    `export const handler = makeHandler(service, ${JSON.stringify(fn.name)});`,
  ].join('\n');
  await build({
    stdin: { contents: entry, resolveDir: PROJECT_ROOT, sourcefile: `${fn.name}.entry.ts`, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    outfile: file,
    logLevel: 'silent',
    // Some CommonJS dependencies call require() on Node built-ins; give ESM a require.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  return { functionName: fn.name, dir, file, bytes: (await stat(file)).size };
}

/** Builds every function of every service, in parallel. */
export async function bundleAll(
  services: readonly { file: string; service: { functions: readonly FunctionDeclaration[] } }[],
  outDir: string,
): Promise<Bundle[]> {
  return Promise.all(
    services.flatMap(({ file, service }) =>
      service.functions.map((fn) => bundleFunction({ serviceFile: file, fn, outDir })),
    ),
  );
}
