import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/**
 * The project files that the declaration files `files` are made of: themselves and every file they
 * import, directly or not, outside node_modules (absolute paths). A change to any other file
 * cannot change what the declarations say, so hot reload does not read them again for it. esbuild
 * follows the imports (as far as the metafile; nothing is written); packages stay external.
 */
export async function declarationInputs(files: readonly string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const result = await build({
    entryPoints: [...files],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    outdir: path.join(os.tmpdir(), 'declaration-inputs'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return new Set(Object.keys(result.metafile.inputs).map((input) => path.resolve(PROJECT_ROOT, input)));
}
