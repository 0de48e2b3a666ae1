// `npm start` watches the declarations and the sources its bundles are built from, and serves
// a change without a restart: declarations are read again, tables added, changed bundles rebuilt
// and their functions' instances retired once idle; the next request gets a cold start.
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import type { AccessSettings } from '#src/declaration/access.ts';
import { type LoadedService, loadServices, withAccessSettings } from '#src/declaration/load-services.ts';
import type { IncrementalBundles } from './build/incremental-bundles.ts';
import { functionSpecs, routeBindings, type SpecContext } from './function-specs.ts';
import type { RunningGateway } from './gateway/start-gateway.ts';
import type { FunctionSpec, LambdaService } from './lambda/start-lambda-service.ts';

/** What a reload did, for the terminal and for tests. */
export type ReloadEvent =
  | { readonly kind: 'reloaded'; readonly ms: number; readonly functions: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string };

export interface HotReloadOptions {
  readonly servicesDirs: readonly string[];
  /** Folders watched as a whole besides the declarations (the project's `src/`). */
  readonly sourceDirs: readonly string[];
  readonly bundles: IncrementalBundles;
  readonly lambda: Pick<LambdaService, 'update'>;
  readonly gateway: Pick<RunningGateway, 'setRoutes'>;
  readonly specContext: SpecContext;
  /** The settings that put access rules in force, as at start. */
  readonly accessSettings: AccessSettings;
  /** Creates tables that do not exist yet; never drops any. */
  readonly ensureTables: (services: readonly LoadedService[]) => Promise<void>;
  readonly onReload: (event: ReloadEvent) => void;
  /** What the first build served: what is compared against to tell what changed. */
  readonly initial: { readonly specs: readonly FunctionSpec[]; readonly inputs: readonly string[] };
}

export interface HotReload {
  close(): void;
}

/** Changes closer together than this are served by one reload. */
const SETTLE_MS = 100;

/** Starts watching; each batch of changes leads to one reload, never two at a time. */
export function startHotReload(options: HotReloadOptions): HotReload {
  const watchers = new Map<string, FSWatcher>();
  let served = new Map(options.initial.specs.map((spec) => [spec.name, JSON.stringify(spec)]));
  let lastFailure: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (running) again = true;
      else
        running = reload().finally(() => {
          running = undefined;
          if (again) {
            again = false;
            schedule();
          }
        });
    }, SETTLE_MS);
  };

  const watchDir = (dir: string, recursive: boolean) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(dir, { recursive, persistent: false }, schedule);
      watcher.on('error', () => watchers.delete(dir));
      watchers.set(dir, watcher);
    } catch {
      // A folder that vanished is simply not watched.
    }
  };
  const covered = (file: string) =>
    [...options.servicesDirs, ...options.sourceDirs].some(
      (dir) => !path.relative(dir, file).startsWith('..'),
    );
  const watchInputs = (inputs: readonly string[]) => {
    for (const input of inputs) if (!covered(input)) watchDir(path.dirname(input), false);
  };
  for (const dir of [...options.servicesDirs, ...options.sourceDirs]) watchDir(dir, true);
  watchInputs(options.initial.inputs);

  async function reload(): Promise<void> {
    const started = performance.now();
    try {
      // tsImport loads each declaration (and the sources it imports) afresh, past the module cache.
      const services = withAccessSettings(
        await loadServices(options.servicesDirs, (url) => tsImport(url, import.meta.url)),
        options.accessSettings,
      );
      await options.ensureTables(services);
      const built = await options.bundles.build(services);
      watchInputs(built.inputs);
      const specs = functionSpecs(services, built.bundles, options.specContext);
      const changed = specs.filter((spec) => served.get(spec.name) !== JSON.stringify(spec));
      served = new Map(specs.map((spec) => [spec.name, JSON.stringify(spec)]));
      options.lambda.update(changed);
      options.gateway.setRoutes(routeBindings(services));
      lastFailure = undefined;
      const functions = changed.map((spec) => spec.name);
      options.onReload({ kind: 'reloaded', ms: Math.round(performance.now() - started), functions });
    } catch (error) {
      // The previous build keeps serving; the same error is reported once, not at every save.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastFailure) options.onReload({ kind: 'failed', message });
      lastFailure = message;
    }
  }

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
    },
  };
}
