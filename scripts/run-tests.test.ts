import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

const root = path.join(import.meta.dirname, '..');
const fixtures = 'test/fixtures/runner';

/** Runs the project's test runner on one fixture file, as `npm test` runs it. */
async function runTests(fixture: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/run-tests.mjs', `${fixtures}/${fixture}`], {
    cwd: root,
    // Without this, Node sees a test runner inside a test file and runs nothing.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, output };
}

test('a file whose tests leave a server and a child process open fails, naming where they started', async () => {
  const started = Date.now();
  const { code, output } = await runTests('leaks.test.ts');
  assert.equal(code, 1, output);
  assert.match(output, /a listening server, started at .*leaks\.test\.ts:8/);
  assert.match(output, /a child process, started at .*leaks\.test\.ts:12/);
  assert.match(output, /leaks\.test\.ts \(left something open\)/);
  assert.match(output, /^2 passed, 1 failed, 0 skipped$/m);
  assert.ok(Date.now() - started < 60_000, 'the leak does not hold the run up');
});

test('a test past the default timeout fails by name and the file goes on', async () => {
  const { code, output } = await runTests('hangs.test.ts', { SM_TEST_TIMEOUT_S: '1' });
  assert.equal(code, 1, output);
  assert.match(output, /tests that timed out:\n\s+test\/fixtures\/runner\/hangs\.test\.ts › waits for ever/);
  assert.match(output, /✔ is quick/);
  assert.match(output, /^1 passed, 1 failed, 0 skipped$/m);
});

test('a file past its bound is ended and reported by name', async () => {
  const { code, output } = await runTests('outlives-its-bound.test.ts', { SM_TEST_FILE_TIMEOUT_S: '3' });
  assert.equal(code, 1, output);
  assert.match(output, /outlives-its-bound\.test\.ts was still running after 3 s and was ended/);
  assert.match(output, /outlives-its-bound\.test\.ts \(timed out after 3 s\)/);
  assert.match(output, /^0 passed, 1 failed, 0 skipped$/m);
});

test('without Chromium the browser tests are left out with one line saying how to enable them', async () => {
  const { code, output } = await runTests('browser/opens-a-page.test.ts', {
    SM_CHROMIUM: '/nonexistent/chromium',
    CI: '',
  });
  assert.match(
    output,
    /^No Chromium found: the browser tests are left out; to run them, install .*chromium/m,
  );
  assert.equal(output.match(/browser tests/g)?.length, 1, output);
  assert.doesNotMatch(output, /stands in for a browser test/);
  assert.equal(code, 1, 'nothing else was selected, and an empty selection fails');
});

test('in CI a missing Chromium is a failure', async () => {
  const { code, output } = await runTests('browser/opens-a-page.test.ts', {
    SM_CHROMIUM: '/nonexistent/chromium',
    CI: 'true',
  });
  assert.equal(code, 1);
  assert.match(output, /CI needs Chromium to run the browser tests/);
});

test('with Chromium found the browser tests run', async () => {
  const { code, output } = await runTests('browser/opens-a-page.test.ts', {
    SM_CHROMIUM: process.execPath,
    CI: '',
  });
  assert.equal(code, 0, output);
  assert.match(output, /stands in for a browser test/);
});
