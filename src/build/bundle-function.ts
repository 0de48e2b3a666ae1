import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { PROJECT_ROOT } from '../declaration/load-services.ts';
import type { FunctionDeclaration, ServiceDeclaration } from '../declaration/types.ts';
import { ALL_VALIDATORS, HANDLER_VALIDATORS, runtimeServiceSource } from './runtime-service.ts';

export interface Bundle {
  readonly functionName: string;
  /** Folder to deploy as the function's code (handler `index.handler`). */
  readonly dir: string;
  readonly file: string;
  readonly bytes: number;
}

/** Node.js version the bundles are compiled for: the oldest the local runtime supports. */
export const BUNDLE_TARGET = 'node20';

export interface ServiceFunctions {
  readonly file: string;
  readonly service: ServiceDeclaration;
}

const ENTRY = 'function-entry';
const SERVICE = 'function-service';

/**
 * The entry module of one function: its declared handler bound to its run-time service (the
 * generated module of `runtimeServiceSource`, not the declaration: no zod in the bundle).
 */
function entrySource(serviceModule: string, fn: FunctionDeclaration): string {
  return [
    `import service from ${JSON.stringify(serviceModule)};`,
    `import { makeHandler } from ${JSON.stringify(path.resolve(PROJECT_ROOT, fn.handler))};`,
    `export const handler = makeHandler(service, ${JSON.stringify(fn.name)});`,
  ].join('\n');
}

/**
 * Serves each function's generated entry module, and each service's generated run-time module,
 * to esbuild without writing them to disk.
 */
function entryPlugin(modules: ReadonlyMap<string, string>): Plugin {
  return {
    name: 'function-entries',
    setup(b) {
      for (const namespace of [ENTRY, SERVICE]) {
        b.onResolve({ filter: new RegExp(`^${namespace}:`) }, (args) => ({ path: args.path, namespace }));
        b.onLoad({ filter: /.*/, namespace }, (args) => ({
          contents: modules.get(args.path) ?? '',
          loader: namespace === ENTRY ? 'ts' : 'js',
          resolveDir: PROJECT_ROOT,
        }));
      }
    },
  };
}

/**
 * The generated modules of `services`' bundles by their virtual path: one entry per function,
 * one run-time service per declaration and set of validators (which depends on the declaration's
 * schema, so a changed schema changes it).
 */
export function generatedModules(services: readonly ServiceFunctions[]): Map<string, string> {
  const modules = new Map<string, string>();
  for (const { file, service } of services) {
    for (const fn of service.functions) {
      const serviceModule = serviceModuleOf(file, fn);
      if (!modules.has(serviceModule))
        modules.set(serviceModule, runtimeServiceSource(file, service, validatorsOf(fn)));
      modules.set(entryModuleOf(fn.name), entrySource(serviceModule, fn));
    }
  }
  return modules;
}

/** Each function's service carries only the validators its handler uses. */
const validatorsOf = (fn: FunctionDeclaration) => HANDLER_VALIDATORS[fn.handler] ?? ALL_VALIDATORS;
const serviceModuleOf = (file: string, fn: FunctionDeclaration) =>
  `${SERVICE}:${file}#${validatorsOf(fn).join(',')}`;
/** The virtual path of a function's generated entry module. */
export const entryModuleOf = (functionName: string) => `${ENTRY}:${functionName}`;

/**
 * Everything generated for each function (its entry and its run-time service) as one string per
 * function name: when the string is unchanged, so is the generated code its bundle is built from.
 */
export function generatedSourcesByFunction(
  services: readonly ServiceFunctions[],
  modules: ReadonlyMap<string, string> = generatedModules(services),
): Map<string, string> {
  const sources = new Map<string, string>();
  for (const { file, service } of services) {
    for (const fn of service.functions)
      sources.set(
        fn.name,
        `${modules.get(entryModuleOf(fn.name))}\n${modules.get(serviceModuleOf(file, fn))}`,
      );
  }
  return sources;
}

/**
 * Zod's namespace export carries every locale's error messages (about 260 KB minified, half a
 * bundle); the functions answer in English only, so the locale index is replaced by English.
 */
const englishOnlyZodLocales: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
  },
};

/**
 * esbuild's options for every function's deployment bundle: `<outDir>/<function>/index.mjs`, a
 * minified ESM file with the AWS SDK inside whose `handler` export is the declared handler bound
 * to its service. `bundleAll` (the CDK app) and the local system's incremental builder
 * (local/build/) both build with exactly these options. Empty `entryPoints` when there are no
 * functions.
 */
export function bundleBuildOptions(
  services: readonly ServiceFunctions[],
  outDir: string,
  modules: ReadonlyMap<string, string> = generatedModules(services),
) {
  const entryPoints: Record<string, string> = {};
  for (const { service } of services) {
    for (const fn of service.functions) entryPoints[`${fn.name}/index`] = entryModuleOf(fn.name);
  }
  return {
    entryPoints,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    plugins: [entryPlugin(modules), englishOnlyZodLocales],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    // Some CommonJS dependencies call require() on Node built-ins; give ESM a require.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  } satisfies BuildOptions;
}

/**
 * Builds every function's deployment bundle (see `bundleBuildOptions`). The CDK app deploys
 * exactly these folders and the local runtime runs files built the same way. One esbuild run
 * builds them all, so shared code (the SDK) is parsed once.
 */
export async function bundleAll(services: readonly ServiceFunctions[], outDir: string): Promise<Bundle[]> {
  const options = bundleBuildOptions(services, outDir);
  const names = Object.keys(options.entryPoints);
  if (names.length === 0) return [];
  await mkdir(outDir, { recursive: true });
  await build(options);
  return Promise.all(
    names.map(async (name) => {
      const dir = path.join(outDir, path.dirname(name));
      const file = path.join(dir, 'index.mjs');
      return { functionName: path.dirname(name), dir, file, bytes: (await stat(file)).size };
    }),
  );
}
