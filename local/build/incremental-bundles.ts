import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BuildContext,
  context,
  type BuildResult as EsbuildResult,
  version as esbuildVersion,
} from 'esbuild';
import {
  bundleBuildOptions,
  entryModuleOf,
  generatedModules,
  generatedSourcesByFunction,
  type ServiceFunctions,
} from '#src/build/bundle-function.ts';
import { type BundleCache, type BundleToKeep, buildKey, contentHash } from './bundle-cache.ts';
import { trimSourceMap } from './trim-source-map.ts';

/** One function's current bundle; `file` changes whenever its content does. */
export interface BuiltBundle {
  readonly functionName: string;
  readonly file: string;
  readonly bytes: number;
  readonly hash: string;
}

export interface BuildResult {
  readonly bundles: ReadonlyMap<string, BuiltBundle>;
  /** Functions whose bundle esbuild linked and printed in this build: the affected ones. */
  readonly rebuilt: readonly string[];
  /** Functions whose bundle is new or differs from the previous build's. */
  readonly changed: readonly string[];
  /** Source files the bundles were built from, outside node_modules: what to watch. */
  readonly inputs: readonly string[];
  /** Whether the bundles are a build kept from an earlier start (nothing was built). */
  readonly fromCache: boolean;
  /**
   * Functions that have no bundle yet: a deferred first build left them to be built when each is
   * first invoked (`only`), or by the fill (`warm`), or by the next rebuild.
   */
  readonly unbuilt: readonly string[];
}

export interface BuildOptions {
  /**
   * A first build that finds nothing kept builds nothing: every function is left unbuilt, to be
   * built by a later call with `only` (its first invocation) or by `warm`.
   */
  readonly defer?: boolean;
  /** Builds these functions only, if they have no current bundle (nothing else is rebuilt). */
  readonly only?: ReadonlySet<string>;
}

/** Bundles are kept in memory (only changed ones are written), with the inputs of each. */
const ESBUILD_OUTPUT = { write: false, metafile: true } as const;

/**
 * What the local bundles add to the deployment bundles' options: a source map inside the file,
 * so that instances (run with `--enable-source-maps`) print stack traces with `.ts` files and
 * lines, and a debugger sets breakpoints in them. Inside the file, the content hash covers the
 * map, so an edit that moves lines but leaves the code alike still serves a map that fits. No
 * `sourcesContent`: the sources are on this disk, read where needed. The map's paths are
 * relative to `<outDir>/<function>/`, where esbuild writes; `#place` puts the file one folder
 * deeper (`<function>/<hash>/`), hence the `sourceRoot`. The map is then trimmed to the project's
 * own code (see trim-source-map.ts). The deployed bundles carry none of this.
 */
export const LOCAL_SOURCE_MAPS = { sourcemap: 'inline', sourcesContent: false, sourceRoot: '../' } as const;

/** What esbuild is given for an entry that a rebuild does not reach: its output is ignored. */
const UNAFFECTED_ENTRY = '';

/**
 * Builds the deployment bundles of the local system with esbuild's incremental API, rebuilding
 * only the bundles a change reaches.
 *
 * One context holds every function's entry point, so the files they share (the SDK above all)
 * are parsed once and kept parsed. A context per function would rebuild fewer bundles on its
 * own, but each would keep its own parsed SDK: 376–573 MB of esbuild's memory for this
 * project's 13 functions, against 177 MB for one context. Instead, a rebuild asks esbuild for
 * the affected bundles only: the entry of every other function is served as an empty module for
 * that rebuild (linking it costs nothing, and its output is ignored), while the files it imports
 * stay in the context's cache for the next rebuild that needs them.
 *
 * A function is affected when its generated modules changed (its declaration did) or when a
 * changed file is one of the inputs of its last bundle, as esbuild's metafile lists them.
 *
 * Each version lives in its own folder (`<outDir>/<function>/<hash>/index.mjs`), so instances
 * still running the previous version keep their file while new ones load the new one.
 *
 * With a cache, the bundles served are kept after each build, and a first build whose inputs are
 * all unchanged since is served from the cache without esbuild. The context is then still cold:
 * its first rebuild (`warm`, or the first change) builds every bundle, and replaces any that
 * differs.
 */
export class IncrementalBundles {
  readonly #outDir: string;
  #context: BuildContext<typeof ESBUILD_OUTPUT> | undefined;
  #entriesKey = '';
  /** What the context's entry plugin serves: a generated module, or an unaffected entry. */
  readonly #served = new Map<string, string>();
  /** The generated modules each function's last good bundle was built from. */
  #builtFrom = new Map<string, string>();
  /** Functions a failed build was asked for: they are rebuilt with the next change. */
  #pending = new Set<string>();
  #current = new Map<string, BuiltBundle>();
  readonly #cache: BundleCache | undefined;
  /**
   * Each function's inputs in its last good bundle (absolute paths, node_modules included), and
   * when the build that made it began.
   */
  readonly #made = new Map<string, { inputs: readonly string[]; builtAt: number }>();
  #keeping: Promise<unknown> = Promise.resolve();
  /** Every function of the last build's declarations, and the generated entry of each. */
  #sources: ReadonlyMap<string, string> = new Map();
  /** Builds one after the other: each sets what the context's plugin serves before it runs. */
  #queue: Promise<unknown> = Promise.resolve();

  readonly #sourceMaps: boolean;

  /**
   * `sourceMaps: false` builds the bundles as the stack deploys them, with no map (the benchmark's
   * cold starts compare them with the deployed baselines); the local system keeps the default.
   */
  constructor(outDir: string, options: { readonly cache?: BundleCache; readonly sourceMaps?: boolean } = {}) {
    this.#outDir = outDir;
    this.#cache = options.cache;
    this.#sourceMaps = options.sourceMaps ?? true;
  }

  /**
   * Whether the context does not yet hold every bundle (see `warm`): the bundles came from the
   * cache and nothing has been built since, or a deferred build left some unbuilt.
   */
  get cold(): boolean {
    return (!this.#context && this.#current.size > 0) || this.#unbuilt().length > 0;
  }

  /** Functions that have no bundle yet (see `BuildResult.unbuilt`). */
  get unbuilt(): readonly string[] {
    return this.#unbuilt();
  }

  /**
   * Builds `services`, rebuilding only the bundles that `changedFiles` (absolute paths) or a
   * changed declaration reach; every bundle when `changedFiles` is absent (unknown). Throws
   * esbuild's error (with its messages) when the build fails. Builds run one at a time, in the
   * order asked.
   */
  build(
    services: readonly ServiceFunctions[],
    changedFiles?: ReadonlySet<string>,
    options: BuildOptions = {},
  ): Promise<BuildResult> {
    const run = this.#queue.then(() => this.#build(services, changedFiles, options));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #build(
    services: readonly ServiceFunctions[],
    changedFiles: ReadonlySet<string> | undefined,
    { defer = false, only }: BuildOptions,
  ): Promise<BuildResult> {
    const modules = generatedModules(services);
    const sources = generatedSourcesByFunction(services, modules);
    this.#sources = sources;
    const options = {
      ...bundleBuildOptions(services, this.#outDir, this.#served),
      ...(this.#sourceMaps ? LOCAL_SOURCE_MAPS : {}),
    };
    // A context has fixed entry points: a changed set of functions needs a new one.
    const entriesKey = JSON.stringify([...sources.keys()]);
    if (entriesKey !== this.#entriesKey) {
      await this.#context?.dispose();
      this.#context = undefined;
      this.#entriesKey = entriesKey;
      this.#builtFrom = new Map();
      this.#pending.clear();
    }
    if (sources.size === 0) {
      this.#current = new Map();
      return this.#result([], []);
    }
    // The cache's key (a hash of every generated module), once per build and only if it is used.
    let key: string | undefined;
    const keyOf = () => {
      key ??= cacheKey(options, modules);
      return key;
    };
    const first = !changedFiles && !this.#context && this.#current.size === 0;
    if (this.#cache && first) {
      const kept = await this.#fromCache(keyOf(), sources);
      if (kept) return kept;
    }
    if (defer && first) return this.#result([], []);
    // A new context has nothing parsed yet: its first full rebuild builds every bundle (after a
    // start from the cache, that also replaces any kept bundle that differs).
    const fresh = !this.#context;
    const affected = new Set(
      [...sources.keys()].filter((name) =>
        only
          ? only.has(name) && (!this.#current.has(name) || this.#pending.has(name))
          : !changedFiles ||
            fresh ||
            this.#pending.has(name) ||
            this.#builtFrom.get(name) !== sources.get(name) ||
            (this.#made.get(name)?.inputs ?? []).some((input) => changedFiles.has(input)),
      ),
    );
    if (affected.size === 0) return this.#result([], []);
    this.#context ??= await context({ ...options, ...ESBUILD_OUTPUT });

    this.#served.clear();
    for (const [module, source] of modules) this.#served.set(module, source);
    for (const name of sources.keys())
      if (!affected.has(name)) this.#served.set(entryModuleOf(name), UNAFFECTED_ENTRY);
    let result: EsbuildResult<typeof ESBUILD_OUTPUT>;
    const builtAt = performance.timeOrigin + performance.now();
    try {
      result = await this.#context.rebuild();
    } catch (error) {
      for (const name of affected) this.#pending.add(name);
      throw error;
    }
    for (const name of affected) this.#pending.delete(name);

    const next = new Map([...this.#current].filter(([name]) => sources.has(name)));
    const changed: string[] = [];
    for (const output of result.outputFiles) {
      const functionName = path.basename(path.dirname(output.path));
      if (!affected.has(functionName)) continue;
      this.#builtFrom.set(functionName, sources.get(functionName) ?? '');
      const contents = trimSourceMap(output.contents);
      const hash = contentHash(contents);
      if (next.get(functionName)?.hash === hash) continue;
      next.set(functionName, await this.#place(functionName, hash, contents));
      changed.push(functionName);
    }
    for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
      const functionName = path.basename(path.dirname(output));
      if (!affected.has(functionName)) continue;
      const files = Object.keys(inputs)
        .filter((input) => !input.includes(':'))
        .map((input) => path.resolve(input));
      this.#made.set(functionName, { inputs: files, builtAt });
    }
    this.#current = next;
    // A build is kept once it has every bundle: a start finding part of one would build the rest.
    if (changed.length > 0 && this.#cache && this.#unbuilt().length === 0) this.#keep(this.#cache, keyOf());
    return this.#result([...affected], changed);
  }

  /**
   * Builds every bundle in the context when the bundles came from the cache, and every bundle a
   * deferred build left unbuilt, so that the next change rebuilds only what it reaches; nothing
   * otherwise. In the result, `changed` lists the bundles that differ from those served (none
   * unless the cache was wrong) and those built now for the first time.
   */
  async warm(services: readonly ServiceFunctions[]): Promise<BuildResult> {
    return this.build(services, new Set());
  }

  /** Serves the kept build of `key` when it has exactly these functions. */
  async #fromCache(key: string, sources: ReadonlyMap<string, string>): Promise<BuildResult | undefined> {
    const kept = await this.#cache?.read(key);
    if (!kept || kept.size !== sources.size || ![...sources.keys()].every((n) => kept.has(n)))
      return undefined;
    const readAt = performance.timeOrigin + performance.now();
    for (const [functionName, { hash, content, inputs }] of kept) {
      this.#current.set(functionName, await this.#place(functionName, hash, content));
      this.#builtFrom.set(functionName, sources.get(functionName) ?? '');
      // Its files were as they are kept when read: a later change is newer than `readAt`.
      this.#made.set(functionName, { inputs, builtAt: readAt });
    }
    return { ...this.#result([], [...kept.keys()]), fromCache: true };
  }

  /** Writes a bundle into its own folder (`<function>/<hash>/index.mjs`), beside its other versions. */
  async #place(functionName: string, hash: string, content: Uint8Array): Promise<BuiltBundle> {
    const file = path.join(this.#outDir, functionName, hash, 'index.mjs');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    return { functionName, file, bytes: content.byteLength, hash };
  }

  /** Keeps the bundles now served in the cache, after the build (never delaying what is served). */
  #keep(cache: BundleCache, key: string): void {
    const bundles = new Map<string, BundleToKeep>();
    for (const [name, { file, hash, bytes }] of this.#current) {
      const made = this.#made.get(name);
      if (!made) return;
      bundles.set(name, { file, hash, bytes, ...made });
    }
    this.#keeping = this.#keeping.then(() => cache.write(key, bundles)).catch(() => {});
  }

  #result(rebuilt: readonly string[], changed: readonly string[]): BuildResult {
    const inputs = new Set<string>();
    for (const name of this.#current.keys())
      for (const input of this.#made.get(name)?.inputs ?? [])
        if (!input.includes('node_modules')) inputs.add(input);
    return {
      bundles: this.#current,
      rebuilt,
      changed,
      inputs: [...inputs],
      fromCache: false,
      unbuilt: this.#unbuilt(),
    };
  }

  /** Functions of the last build's declarations that have no bundle. */
  #unbuilt(): string[] {
    return [...this.#sources.keys()].filter((name) => !this.#current.has(name));
  }

  async dispose(): Promise<void> {
    await this.#context?.dispose();
    this.#context = undefined;
    // The output folder may go once this resolves: the bundles must have been kept by then.
    await this.#keeping;
  }
}

/** What a build depends on besides its files: esbuild, its options and the generated modules. */
function cacheKey(
  options: ReturnType<typeof bundleBuildOptions> & Partial<typeof LOCAL_SOURCE_MAPS>,
  modules: ReadonlyMap<string, string>,
): string {
  const { plugins, outdir: _outdir, ...rest } = options;
  return buildKey({
    esbuildVersion,
    cwd: process.cwd(),
    options: rest,
    plugins: plugins.map((plugin) => plugin.name),
    modules: [...modules],
  });
}
