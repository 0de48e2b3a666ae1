// docs/architecture.md names files and folders of the project; a rename that leaves the page
// behind fails here.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

const PAGE = path.join(PROJECT_ROOT, 'docs', 'architecture.md');
/** The project's top-level folders: a path starting with one of them is checked as it stands. */
const ROOTS = ['local', 'src', 'infra', 'services', 'client', 'cli', 'bench', 'scripts', 'test', 'docs'];
const SKIPPED = new Set(['node_modules', '.git', '.data', 'cdk.out', 'tmp']);

/** Every file and folder of the project, relative to its root, folders ending in `/`. */
function projectPaths(): Set<string> {
  const paths = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      if (SKIPPED.has(entry.name)) continue;
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        paths.add(`${relative}/`);
        walk(relative);
      } else paths.add(relative);
    }
  };
  walk('');
  return paths;
}

/** The paths the page names, in code spans and in the pictures alike. */
function pathsIn(markdown: string): string[] {
  const named = markdown.match(/[\w.-]*(?:\/[\w.-]+)*\/?/g) ?? [];
  const pathLike = named
    .map((text) => text.replace(/[.,:;]+$/, ''))
    .filter((text) => /\.(ts|mjs|java|jar|md)$/.test(text) || (text.includes('/') && /\w/.test(text)));
  return [...new Set(pathLike)];
}

/**
 * The named paths the project does not have. A path from a top-level folder must exist as
 * written; a shorter one (`stage.ts`, `guard/iam/`, written under a full path in a picture) must
 * be the end of some existing path.
 */
function missing(named: readonly string[], existing: ReadonlySet<string>): string[] {
  const all = [...existing];
  return named.filter((text) => {
    const asFolder = text.endsWith('/') || !/\.\w+$/.test(text) ? text.replace(/\/?$/, '/') : text;
    if (ROOTS.includes(text.split('/')[0] ?? '')) return !existing.has(asFolder);
    return !all.some((known) => known === asFolder || known.endsWith(`/${asFolder}`));
  });
}

test('every file and folder docs/architecture.md names exists', () => {
  const named = pathsIn(readFileSync(PAGE, 'utf8'));
  assert.ok(named.length >= 40, `the page names ${named.length} paths`);
  assert.deepEqual(missing(named, projectPaths()), []);
});

test('a path that no longer exists is reported, in a code span or in a picture', () => {
  const page = [
    'The guard is `local/dynamodb/guard/dynamodb-guard.ts`; the old one was `local/dynamodb/dynamodb-guard.ts`.',
    'Its policies are in `guard/iam/`, once in `local/dynamodb/iam/`.',
    '```text',
    ' gateway   local/gateway/start-gateway.ts',
    '   │ matches the route (stage.ts), then (old-router.ts)',
    '```',
  ].join('\n');
  assert.deepEqual(missing(pathsIn(page), projectPaths()).sort(), [
    'local/dynamodb/dynamodb-guard.ts',
    'local/dynamodb/iam/',
    'old-router.ts',
  ]);
});
