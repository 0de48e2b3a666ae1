import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type BuildContext, context } from 'esbuild';
import { bundleBuildOptions, generatedModules, type ServiceFunctions } from '#src/build/bundle-function.ts';

/** One function's current bundle; `file` changes whenever its content does. */
export interface BuiltBundle {
  readonly functionName: string;
  readonly file: string;
  readonly bytes: number;
  readonly hash: string;
}

export interface BuildResult {
  readonly bundles: ReadonlyMap<string, BuiltBundle>;
  /** Functions whose bundle is new or differs from the previous build's. */
  readonly changed: readonly string[];
  /** Source files the bundles were built from, outside node_modules: what to watch. */
  readonly inputs: readonly string[];
}

/**
 * Builds the deployment bundles of the local system with esbuild's incremental API: a rebuild
 * re-reads only what changed and yields every bundle, but only a bundle whose bytes changed gets
 * a new file. Each version lives in its own folder (`<outDir>/<function>/<hash>/index.mjs`), so
 * instances still running the previous version keep their file while new ones load the new one.
 */
export class IncrementalBundles {
  readonly #outDir: string;
  #context: BuildContext<{ write: false; metafile: true }> | undefined;
  #entriesKey = '';
  #current = new Map<string, BuiltBundle>();

  constructor(outDir: string) {
    this.#outDir = outDir;
  }

  /** Builds `services`; throws esbuild's error (with its messages) when the build fails. */
  async build(services: readonly ServiceFunctions[]): Promise<BuildResult> {
    const modules = generatedModules(services);
    const options = bundleBuildOptions(services, this.#outDir, modules);
    // A context has fixed entry points and generated modules: a changed set of functions, of
    // declaration files or of what is generated from them (a declaration's schema compiles into
    // its run-time service) needs a new one. Otherwise the old one rebuilds incrementally.
    const entriesKey = JSON.stringify([
      services.map(({ file, service }) => [file, service.functions]),
      [...modules],
    ]);
    if (entriesKey !== this.#entriesKey) {
      await this.#context?.dispose();
      this.#context = undefined;
      this.#entriesKey = entriesKey;
      if (Object.keys(options.entryPoints).length > 0)
        this.#context = await context({ ...options, write: false, metafile: true });
    }
    if (!this.#context) return { bundles: new Map(), changed: [], inputs: [] };
    const result = await this.#context.rebuild();
    const next = new Map<string, BuiltBundle>();
    const changed: string[] = [];
    for (const output of result.outputFiles) {
      const functionName = path.basename(path.dirname(output.path));
      const hash = createHash('sha256').update(output.contents).digest('hex').slice(0, 16);
      const previous = this.#current.get(functionName);
      if (previous?.hash === hash) {
        next.set(functionName, previous);
        continue;
      }
      const file = path.join(this.#outDir, functionName, hash, 'index.mjs');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, output.contents);
      next.set(functionName, { functionName, file, bytes: output.contents.byteLength, hash });
      changed.push(functionName);
    }
    this.#current = next;
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes('node_modules') && !input.includes(':'))
      .map((input) => path.resolve(input));
    return { bundles: next, changed, inputs };
  }

  async dispose(): Promise<void> {
    await this.#context?.dispose();
    this.#context = undefined;
  }
}
