// `npm start` watches the declarations and the sources its bundles are built from, and serves
// a change without a restart: declarations are read again, tables added, changed bundles rebuilt
// and their functions' instances retired once idle; the next request gets a cold start.
import path from 'node:path';
import { tsImport } from 'tsx/esm/api';
import type { AccessSettings } from '#src/declaration/access.ts';
import { type LoadedService, loadServices, withAccessSettings } from '#src/declaration/load-services.ts';
import { briefly, filesNamedBy } from './build/build-failure.ts';
import { declarationInputs } from './build/declaration-inputs.ts';
import type { BuildResult, IncrementalBundles } from './build/incremental-bundles.ts';
import type { RouteBinding } from './contracts.ts';
import type { ApiReference } from './docs/api-reference.ts';
import type { RunningGateway } from './gateway/start-gateway.ts';
import type { FunctionSpec } from './lambda/function-spec.ts';
import type { LambdaService } from './lambda/start-lambda-service.ts';
import { watchFiles } from './watch-files.ts';
import { whenQuiet } from './when-quiet.ts';

/** What a reload did, for the terminal and for tests. */
export type ReloadEvent =
  | {
      readonly kind: 'reloaded';
      readonly ms: number;
      /** Whether the declarations were read again (a change reached them or a file they import). */
      readonly readDeclarations: boolean;
      /** Functions whose bundle was rebuilt: those the change reached. */
      readonly rebuilt: readonly string[];
      /** Functions swapped to new instances: their bundle or settings changed. */
      readonly functions: readonly string[];
    }
  | {
      readonly kind: 'failed';
      readonly message: string;
      /**
       * The same failure as the last reload's (the same broken file saved again): reported so that
       * a watcher knows the save was tried, and shown once in the terminal.
       */
      readonly repeated: boolean;
    };

export interface HotReloadOptions {
  readonly servicesDirs: readonly string[];
  /** Folders watched as a whole besides the declarations (the project's `src/`). */
  readonly sourceDirs: readonly string[];
  readonly bundles: IncrementalBundles;
  readonly lambda: Pick<LambdaService, 'update'>;
  readonly gateway: Pick<RunningGateway, 'setRoutes'>;
  /** The API reference (`/_local/docs/`): it describes what each reload serves. */
  readonly reference?: Pick<ApiReference, 'update'>;
  /**
   * What `services` run as, with these bundles: the functions and routes of their synthesized
   * stack (read by `ensureTables` before a reload serves them).
   */
  readonly served: (
    services: readonly LoadedService[],
    bundles: BuildResult['bundles'],
  ) => { readonly specs: readonly FunctionSpec[]; readonly routes: readonly RouteBinding[] };
  /** The settings that put access rules in force, as at start. */
  readonly accessSettings: AccessSettings;
  /**
   * Reads the stack of changed declarations (one synthesis, unless cached) and creates the tables
   * it adds; never drops any.
   */
  readonly ensureTables: (services: readonly LoadedService[]) => Promise<void>;
  readonly onReload: (event: ReloadEvent) => void;
  /**
   * Whether an invocation is in flight: bundles served from the build cache fill the build context
   * only once nothing has been for {@link WARM_WHEN_QUIET_MS} (never waits when absent).
   */
  readonly busy?: () => boolean;
  /** What the first build served: what is compared against to tell what changed. */
  readonly initial: {
    readonly services: readonly LoadedService[];
    readonly specs: readonly FunctionSpec[];
    readonly inputs: readonly string[];
  };
}

export interface HotReload {
  /** Settles once the watcher has read the watched folders: every change from then on is served. */
  readonly ready: Promise<void>;
  /**
   * Settles once the build context holds every bundle, so that an edit rebuilds only what it
   * reaches: at once when the first build filled it, else after the quiet fill (or the first
   * change, which builds every bundle), or once closed. Never rejects: a failed fill is reported
   * as a failed reload.
   */
  readonly warmed: Promise<void>;
  /**
   * Builds the bundle of `functionName`, which a deferred first build left unbuilt, and gives the
   * Lambda service its spec with the file; after the reload in progress, if any, and before the
   * next. Rejects with the build's first message as one line; the whole error is reported as a
   * failed reload.
   */
  buildFunction(functionName: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long nothing must be in flight before bundles served from the build cache fill the build
 * context. The fill builds every bundle (seconds of CPU on a small machine): done right after a
 * start, it made each function's first request 1.3–2 times slower; an edit that comes before it
 * builds every bundle itself.
 */
export const WARM_WHEN_QUIET_MS = 1_000;

/** Changes closer together than this are served by one reload. */
const SETTLE_MS = 100;

/** Starts watching; each batch of changes leads to one reload, never two at a time. */
export function startHotReload(options: HotReloadOptions): HotReload {
  let served = new Map(options.initial.specs.map((spec) => [spec.name, JSON.stringify(spec)]));
  let lastFailure: string | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  // What changed since the last reload began; `undefined` once a failed reload could not say which files.
  let changedFiles: Set<string> | undefined = new Set();

  /** A settled batch of changes: reloaded now, or right after the reload in progress. */
  const schedule = () => {
    if (closed) return;
    if (running) again = true;
    else run(reload);
  };
  /** Settles `warmed` (see HotReload): once the build context holds every bundle, or on close. */
  let markWarmed: () => void = () => {};
  const warmed = new Promise<void>((resolve) => {
    markWarmed = resolve;
  });
  /** Builds asked for by a first invocation, waiting for the task in progress: they go first. */
  const firstBuilds: (() => Promise<void>)[] = [];
  /**
   * Runs a reload (or the warm-up, or a first invocation's build); changes meanwhile are served by
   * one more reload after it.
   */
  const run = (task: () => Promise<void>) => {
    running = task().finally(() => {
      running = undefined;
      if (!options.bundles.cold) markWarmed();
      const next = firstBuilds.shift();
      if (next && !closed) run(next);
      else if (again) {
        again = false;
        schedule();
      }
    });
  };

  // The watcher (watch-files.ts) debounces: changes within SETTLE_MS of each other come as one batch.
  const trees = [...options.servicesDirs, ...options.sourceDirs];
  const within = (dir: string, file: string) => !path.relative(dir, file).startsWith('..');
  const watcher = watchFiles({
    paths: trees,
    settleMs: SETTLE_MS,
    // What the declarations are made of is learnt while the changes settle, not after.
    onFirstChange: () => void learnOnce(),
    onBatch: (files) => {
      for (const file of files) changedFiles?.add(file);
      schedule();
    },
  });
  /** Bundle inputs outside the watched folders are watched one by one. */
  const watchInputs = (inputs: readonly string[]) =>
    watcher.add(inputs.filter((input) => !trees.some((tree) => within(tree, input))));
  watchInputs(options.initial.inputs);

  // The declarations as last read, and the files they are made of (once known).
  let declarations: { services: readonly LoadedService[]; inputs?: ReadonlySet<string> } = {
    services: options.initial.services,
  };
  const learnInputs = (services: readonly LoadedService[]) =>
    declarationInputs(services.map(({ file }) => file)).then(
      (inputs) => {
        if (declarations.services === services) declarations = { services, inputs };
      },
      () => {}, // unknown: every reload reads the declarations
    );
  // Learnt at the first change rather than at start, where every 40 ms of CPU delays the banner.
  let learning: Promise<void> | undefined;
  const learnOnce = () => {
    learning ??= learnInputs(declarations.services);
    return learning;
  };
  /** Whether `changes` may change what the declarations say: then they are read again. */
  const touchesDeclarations = (changes: ReadonlySet<string> | undefined) => {
    const { inputs } = declarations;
    if (!changes || !inputs) return true;
    return [...changes].some(
      (file) => inputs.has(file) || options.servicesDirs.some((dir) => within(dir, file)),
    );
  };

  /**
   * Serves `built`: new instances for the functions whose bundle or settings changed, routes as
   * declared. Resolves the reload it makes, begun at `started`.
   */
  function serve(
    services: readonly LoadedService[],
    built: BuildResult,
    started: number,
    readDeclarations: boolean,
    /** Whether the gateway's stage is set again: not for a first invocation's build (no route changed). */
    stage = true,
  ): ReloadEvent & { kind: 'reloaded' } {
    watchInputs(built.inputs);
    const { specs, routes } = options.served(services, built.bundles);
    const changed = specs.filter((spec) => served.get(spec.name) !== JSON.stringify(spec));
    // The gateway's whole stage first: if the routes clash it throws and nothing has changed. In the
    // same turn of the event loop the functions follow, so no request sees one without the other.
    if (stage) {
      options.gateway.setRoutes(routes);
      options.reference?.update(services.map(({ service }) => service));
    }
    served = new Map(specs.map((spec) => [spec.name, JSON.stringify(spec)]));
    options.lambda.update(changed);
    lastFailure = undefined;
    return {
      kind: 'reloaded',
      ms: Math.round(performance.now() - started),
      readDeclarations,
      rebuilt: built.rebuilt,
      functions: changed.map((spec) => spec.name),
    };
  }

  /**
   * A failed build: the previous one keeps serving, and the same error again is marked as
   * repeated, so that it is shown once, not at every save. Nothing is reported once stopping has
   * cut a build short.
   */
  function failed(error: unknown): void {
    if (closed) return;
    // A file that broke a bundle never built before is in no bundle's inputs yet: watched from now on.
    watchInputs(filesNamedBy(error, (file) => path.resolve(file)));
    const message = error instanceof Error ? error.message : String(error);
    options.onReload({ kind: 'failed', message, repeated: message === lastFailure });
    lastFailure = message;
  }

  /**
   * Bundles served from the build cache: the build context is filled now, so that the first
   * change is as quick as any other. Silent, unless a bundle turns out to differ from the kept
   * one (then it is served, and reported as a reload).
   */
  async function warm(): Promise<void> {
    const started = performance.now();
    try {
      // A function built now for the first time is not reported: nothing it served has changed.
      const unbuilt = new Set(options.bundles.unbuilt);
      const built = await options.bundles.warm(declarations.services);
      const event = serve(declarations.services, built, started, false);
      const functions = event.functions.filter((name) => !unbuilt.has(name));
      if (functions.length > 0) options.onReload({ ...event, functions });
    } catch (error) {
      failed(error);
    }
  }

  async function reload(): Promise<void> {
    const started = performance.now();
    const changes = changedFiles;
    changedFiles = new Set();
    try {
      await learnOnce();
      const readDeclarations = touchesDeclarations(changes);
      let { services } = declarations;
      if (readDeclarations) {
        // tsImport loads each declaration (and the sources it imports) afresh, past the module cache.
        services = withAccessSettings(
          await loadServices(options.servicesDirs, (url) => tsImport(url, import.meta.url)),
          options.accessSettings,
        );
        declarations = { services };
        learning = learnInputs(services);
        await learning;
        await options.ensureTables(services);
      }
      const built = await options.bundles.build(services, changes);
      options.onReload(serve(services, built, started, readDeclarations));
    } catch (error) {
      // What this reload was asked to serve is still to be served by the next one.
      if (changes && changedFiles) for (const file of changes) changedFiles.add(file);
      else changedFiles = undefined;
      failed(error);
    }
  }

  // Bundles served from the build cache fill the build context once nothing is in flight; a
  // change before that builds every bundle itself (reloads wait for the fill, as for any reload).
  const quiet =
    options.bundles.cold && options.busy ? whenQuiet(options.busy, WARM_WHEN_QUIET_MS) : undefined;
  if (!options.bundles.cold) markWarmed();
  else
    void (quiet?.promise ?? Promise.resolve()).then(async () => {
      while (running) await running;
      if (!closed && options.bundles.cold) run(warm);
    });

  return {
    ready: watcher.ready,
    warmed,
    buildFunction(functionName) {
      return new Promise<void>((resolve, reject) => {
        const task = async () => {
          if (closed) return reject(new Error('The local system is stopping'));
          const started = performance.now();
          const { services } = declarations;
          try {
            const only = new Set([functionName]);
            serve(
              services,
              await options.bundles.build(services, new Set(), { only }),
              started,
              false,
              false,
            );
            resolve();
          } catch (error) {
            failed(error);
            reject(briefly(error));
          }
        };
        if (running) firstBuilds.push(task);
        else run(task);
      });
    },
    close() {
      closed = true;
      for (const task of firstBuilds.splice(0)) void task();
      quiet?.cancel();
      markWarmed();
      return watcher.close();
    },
  };
}
