import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { LOCAL_ACCOUNT_ID } from './local-account.ts';

/** The TypeScript sources (tests aside) of the folders whose code writes ARNs or events. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`));
}

describe('the local account', () => {
  it('is written in one place: no other source holds a twelve-digit account id', () => {
    const owner = path.join(PROJECT_ROOT, 'local', 'local-account.ts');
    const holders = ['local', 'src', 'infra', 'cli', 'client', 'bench', 'scripts']
      .flatMap((folder) => sources(path.join(PROJECT_ROOT, folder)))
      .filter((file) => file !== owner && /(?<![\d.])\d{12}(?![\d.])/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    assert.deepEqual(holders, []);
    assert.match(LOCAL_ACCOUNT_ID, /^\d{12}$/);
  });
});
