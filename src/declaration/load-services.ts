import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AccessSettings, effectiveAccess } from './access.ts';
import type { ServiceDeclaration } from './types.ts';

/** The project root: where `services/`, `src/` and `package.json` live. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
export const DEFAULT_SERVICES_DIR = path.join(PROJECT_ROOT, 'services');

/** A declaration together with the file that declares it (bundles import that file). */
export interface LoadedService {
  readonly file: string;
  readonly service: ServiceDeclaration;
}

const DECLARATION_FILE = /^[a-z0-9][a-z0-9-]*\.ts$/;

/** Imports a module by file URL; the local system's hot reload passes one that skips the cache. */
export type ModuleImporter = (url: string) => Promise<unknown>;

/**
 * Reads every declaration in `dirs` (one default export per `*.ts` file, tests excluded) and
 * checks that names, tables and routes do not collide across services.
 */
export async function loadServices(
  dirs: readonly string[] = [DEFAULT_SERVICES_DIR],
  importModule: ModuleImporter = (url) => import(url),
): Promise<LoadedService[]> {
  const loaded: LoadedService[] = [];
  for (const dir of dirs) {
    const files = (await readdir(dir))
      .filter((f) => DECLARATION_FILE.test(f) && !f.endsWith('.test.ts'))
      .sort();
    for (const name of files) {
      const file = path.join(dir, name);
      // A declaration refused while it loads (defineService throws) is reported with its file,
      // as the project names it (`services/x.ts`), before the field the message starts with.
      const inProject = path.relative(PROJECT_ROOT, file);
      const shown = inProject.startsWith('..') || path.isAbsolute(inProject) ? file : inProject;
      const mod = (await importModule(pathToFileURL(file).href).catch((error: unknown) => {
        throw new Error(`${shown}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      })) as { default?: ServiceDeclaration };
      if (!mod.default?.functions) throw new Error(`${shown} has no default export made by defineService`);
      loaded.push({ file, service: mod.default });
    }
  }
  assertNoCollisions(loaded.map((l) => l.service));
  return loaded;
}

/**
 * The declarations with the access rules a deployment's settings put in force (`openTutorial`
 * opens a rule declared `publicWhen('openTutorial')`). The CDK app and the local system both
 * apply it to what `loadServices` returned, so both serve the same rules.
 */
export function withAccessSettings(
  services: readonly LoadedService[],
  settings: AccessSettings,
): LoadedService[] {
  return services.map(({ file, service }) => ({
    file,
    service: {
      ...service,
      functions: service.functions.map((fn) => ({ ...fn, access: effectiveAccess(fn.access, settings) })),
    },
  }));
}

export function assertNoCollisions(services: readonly ServiceDeclaration[]): void {
  const seen = new Map<string, string>();
  const claim = (key: string, owner: string) => {
    const previous = seen.get(key);
    if (previous !== undefined) throw new Error(`${key} is declared by both ${previous} and ${owner}`);
    seen.set(key, owner);
  };
  for (const service of services) {
    claim(`service ${service.name}`, service.name);
    claim(`table ${service.table.name}`, service.name);
    for (const fn of service.functions) {
      claim(`function ${fn.name}`, service.name);
      claim(`route ${fn.method} ${fn.path}`, service.name);
    }
  }
}
