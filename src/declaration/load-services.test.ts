import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadServices, PROJECT_ROOT } from './load-services.ts';

describe('loadServices: a refused declaration', () => {
  it('names its file, as the project names it, and the path of each field at fault', async () => {
    await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
    const dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'declarations-'));
    try {
      await writeFile(
        path.join(dir, 'bad.ts'),
        `import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';
export default defineService({
  name: 'bad',
  table: { name: 'bad', partitionKey: 'id' },
  functions: [
    { name: 'bad-list', method: 'GET', path: '/bad', handler: 'h.ts', actions: ['dynamodb:Scan'], access: allow.public() },
    { name: 'bad-say', method: 'GET', path: '/say', handler: 'h.ts', access: allow.public(),
      actions: ['dynamodb:GetItem', 'dynamodb:GetEverything' as 'dynamodb:GetItem'], memoryMb: 'lots' as unknown as number },
  ],
});
`,
      );
      const file = path.relative(PROJECT_ROOT, path.join(dir, 'bad.ts'));
      await assert.rejects(loadServices([dir]), (error: Error) => {
        assert.ok(error.message.startsWith(`${file}: `), error.message);
        assert.match(
          error.message,
          /functions\[1\]\.actions\[1\] \(bad-say\): action dynamodb:GetEverything/,
        );
        assert.match(
          error.message,
          /functions\[1\]\.memoryMb \(bad-say\): memory lots MB must be 128–10240 MB/,
        );
        assert.doesNotMatch(error.message, /functions\[0\]/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
