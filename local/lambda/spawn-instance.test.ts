import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heapFlags } from './spawn-instance.ts';

describe('heapFlags', () => {
  // Lambda's Node.js bootstrap gives a tenth of the memory to V8's young generation (two
  // semi-spaces) and the rest to the old one, in whole megabytes rounded down (shell `expr`).
  it('splits the memory as the Lambda Node.js bootstrap does', () => {
    assert.deepEqual(heapFlags(128), ['--max-semi-space-size=6', '--max-old-space-size=116']);
    assert.deepEqual(heapFlags(256), ['--max-semi-space-size=12', '--max-old-space-size=231']);
    assert.deepEqual(heapFlags(1769), ['--max-semi-space-size=88', '--max-old-space-size=1593']);
    assert.deepEqual(heapFlags(10_240), ['--max-semi-space-size=512', '--max-old-space-size=9216']);
  });
});
