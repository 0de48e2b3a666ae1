// `npm run check` fails on any import circle in the project's own code, type-only imports
// included: a type circle still ties two modules' shapes to each other, and it becomes a runtime
// circle the day one side starts importing a value. madge resolves the `#local/*`-style package
// imports through TypeScript's own resolver (tsconfig.json), so a circle through them is seen too.
import path from 'node:path';
import madge from 'madge';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/** The folders tsconfig.json type checks: the code a circle could live in. */
export const CHECKED_FOLDERS = [
  'services',
  'src',
  'local',
  'infra',
  'test',
  'bench',
  'scripts',
  'client',
  'cli',
];

export interface ImportCircles {
  /** Each circle as the files on it, relative to `baseDir`, in import order. */
  readonly circles: readonly (readonly string[])[];
  readonly filesChecked: number;
}

export async function findImportCircles(
  baseDir: string,
  folders: readonly string[],
  tsConfig = path.join(PROJECT_ROOT, 'tsconfig.json'),
): Promise<ImportCircles> {
  const result = await madge(
    folders.map((folder) => path.join(baseDir, folder)),
    {
      baseDir,
      fileExtensions: ['ts', 'mts', 'mjs'],
      excludeRegExp: [/node_modules/, /(^|\/)cdk\.out\//, /(^|\/)\.data\//, /\.d\.ts$/],
      tsConfig,
      detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
    },
  );
  return { circles: result.circular(), filesChecked: Object.keys(result.obj()).length };
}

if (path.resolve(process.argv[1] ?? '') === import.meta.filename) {
  const { circles, filesChecked } = await findImportCircles(PROJECT_ROOT, CHECKED_FOLDERS);
  if (circles.length > 0) {
    console.error(`${circles.length} import circle(s) (type-only imports count):`);
    for (const circle of circles) console.error(`  ${[...circle, circle[0]].join(' -> ')}`);
    process.exit(1);
  }
  console.log(`No import circles in ${filesChecked} files.`);
}
