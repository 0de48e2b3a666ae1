import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.ts';

test('fails at init, naming the variable, when the table is not configured', () => {
  assert.throws(() => loadConfig({}), /TABLE_NAME is not set/);
  assert.throws(() => loadConfig({ TABLE_NAME: '' }), /TABLE_NAME is not set/);
  assert.deepEqual(loadConfig({ TABLE_NAME: 'products-1' }), { tableName: 'products-1' });
});
