import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/**
 * Runs `code` (an ES module) in a fresh Node process with tsx but without the test runner's
 * preloads, as `npm start` starts: only what the code imports turns a flag on.
 */
function runFresh(code: string): string {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout.trim();
}

/** What an instance's thread reports: the source text a reviver is given, and JSON.rawJSON's type. */
const WORKER_REPORT = [
  "const source = JSON.parse('[1.50]', (key, value, context) => (key === '0' ? context?.source ?? 'none' : value))[0];",
  "import('node:worker_threads').then(({ parentPort }) => parentPort.postMessage(source + ' ' + typeof JSON.rawJSON));",
].join('\n');

test("an instance's JSON.parse gives revivers the source text, as Node.js 24's does", () => {
  const seen = runFresh(`
    import { Worker } from 'node:worker_threads';
    import { once } from 'node:events';
    await import('./local/lambda/spawn-instance-worker.ts');
    const [report] = await once(new Worker(${JSON.stringify(WORKER_REPORT)}, { eval: true }), 'message');
    console.log(report);
  `);
  assert.equal(seen, '1.50 function');
});
