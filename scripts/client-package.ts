// The typed client as a package a user installs: JavaScript (ESM) with declarations, built from
// client/ by tsc, with a package.json derived from the project's own.
import { execFile } from 'node:child_process';
import { copyFile, cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

const run = promisify(execFile);

/** The client's sources, its build configuration and the folder the package is built in. */
export const CLIENT_DIR = path.join(PROJECT_ROOT, 'client');
export const CLIENT_TSCONFIG = path.join(CLIENT_DIR, 'tsconfig.build.json');
export const CLIENT_PACKAGE_DIR = path.join(CLIENT_DIR, 'dist');
/** The name a user installs and imports. */
export const CLIENT_PACKAGE_NAME = 'serverless-microservices-client';

// What the client imports at run time: a dependency of the package, at the project's range, and
// bundled in the tarball with what it needs in turn (about 100 kB), so that the tarball installs
// with no registry at all (`npm install --offline`).
const RUNTIME_DEPENDENCIES = ['openapi-fetch'] as const;
const BUNDLED_FOLDERS = ['openapi-fetch', 'openapi-typescript-helpers'] as const;

/**
 * Builds the package into CLIENT_PACKAGE_DIR (emptied first) and returns that folder.
 * `npm pack <folder>` then makes the tarball.
 */
export async function buildClientPackage(outDir = CLIENT_PACKAGE_DIR): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await run(process.execPath, [tsc, '-p', CLIENT_TSCONFIG, '--outDir', outDir]);
  // tsc does not copy a hand-kept (here: generated) declaration file, and keeps the sources' `.ts`
  // specifiers in the declarations it writes: both are fixed here, so a consumer needs no option.
  await copyFile(path.join(CLIENT_DIR, 'schema.d.ts'), path.join(outDir, 'schema.d.ts'));
  for (const file of await readdir(outDir)) {
    if (!file.endsWith('.d.ts')) continue;
    const text = await readFile(path.join(outDir, file), 'utf8');
    await writeFile(
      path.join(outDir, file),
      text.replace(/(from\s+['"]\.\/[\w-]+?)(?:\.d)?\.ts(['"])/g, '$1.js$2'),
    );
  }
  const project = JSON.parse(await readFile(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
    engines: Record<string, string>;
    dependencies: Record<string, string>;
  };
  const manifest = {
    name: CLIENT_PACKAGE_NAME,
    version: project.version,
    description: 'The typed client of the Serverless Microservices API (Node.js 20+ and browsers)',
    type: 'module',
    engines: project.engines,
    sideEffects: false,
    types: './index.d.ts',
    exports: { '.': { types: './index.d.ts', default: './index.js' }, './package.json': './package.json' },
    dependencies: Object.fromEntries(
      RUNTIME_DEPENDENCIES.map((name) => {
        const range = project.dependencies[name];
        if (!range) throw new Error(`${name} is not a dependency of the project`);
        return [name, range];
      }),
    ),
    bundleDependencies: [...RUNTIME_DEPENDENCIES],
  };
  for (const name of BUNDLED_FOLDERS) {
    await cp(path.join(PROJECT_ROOT, 'node_modules', name), path.join(outDir, 'node_modules', name), {
      recursive: true,
    });
  }
  await writeFile(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return outDir;
}
