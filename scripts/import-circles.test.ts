import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findImportCircles } from './import-circles.ts';

/** A throwaway project laid out like ours: package.json `imports`, tsconfig with bundler resolution. */
async function withProject(
  files: Record<string, string>,
  run: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'import-circles-'));
  try {
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'fixture', type: 'module', imports: { '#lib/*': './lib/*' } }),
    );
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'preserve',
          moduleResolution: 'bundler',
          allowImportingTsExtensions: true,
        },
      }),
    );
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a circle made only of type imports, one of them through a package import, is found', async () => {
  await withProject(
    {
      'lib/engine.ts':
        "import type { Launcher } from '#lib/launcher.ts';\nexport type Engine = { launcher: Launcher };\n",
      'lib/launcher.ts':
        "import type { Engine } from './engine.ts';\nexport type Launcher = { engine: Engine };\n",
    },
    async (dir) => {
      const { circles } = await findImportCircles(dir, ['lib'], path.join(dir, 'tsconfig.json'));
      assert.deepEqual(circles, [['lib/engine.ts', 'lib/launcher.ts']]);
    },
  );
});

test('imports that only go one way are no circle', async () => {
  await withProject(
    {
      'lib/engine.ts':
        "import type { Launcher } from '#lib/launcher.ts';\nexport type Engine = { launcher: Launcher };\n",
      'lib/launcher.ts': 'export type Launcher = { name: string };\n',
    },
    async (dir) => {
      const { circles, filesChecked } = await findImportCircles(
        dir,
        ['lib'],
        path.join(dir, 'tsconfig.json'),
      );
      assert.deepEqual(circles, []);
      assert.equal(filesChecked, 2);
    },
  );
});
