import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SERVICES_DIR, loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { declarationInputs } from './declaration-inputs.ts';

test('lists the declarations and the project files they import, not the handlers they name', async () => {
  const files = (await loadServices()).map(({ file }) => file);
  const inputs = await declarationInputs(files);
  for (const file of files) assert.ok(inputs.has(file), file);
  assert.ok(inputs.has(path.join(PROJECT_ROOT, 'src', 'declaration', 'define-service.ts')));
  assert.ok(!inputs.has(path.join(PROJECT_ROOT, 'src', 'handlers', 'get.ts')));
  assert.ok([...inputs].every((input) => !input.includes('node_modules')));
  assert.ok(files.every((file) => file.startsWith(DEFAULT_SERVICES_DIR)));
  assert.deepEqual(await declarationInputs([]), new Set());
});
