// Where no binary of the deployed major fits, instances run on the machine's Node.js with what
// the deployed major has built in emulated by flags on their own command line; the host process
// is left as it is.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { resolveDeployedNode } from './deployed-runtime.ts';
import { JSON_SOURCE_TEXT_FLAG } from './json-source-text.ts';
import { emulationFlags } from './spawn-instance.ts';
import { startLambdaService } from './start-lambda-service.ts';
import { recordingSink, testEvent, testFunction } from './test-handlers/test-kit.ts';

describe('emulating the deployed major', () => {
  it('gives Node.js 20 the JSON.parse source text flag, and Node.js 22 and later nothing', () => {
    assert.deepEqual(emulationFlags('v20.20.2'), [JSON_SOURCE_TEXT_FLAG]);
    assert.deepEqual(emulationFlags('v22.0.0'), []);
    assert.deepEqual(emulationFlags('v24.22.3'), []);
  });

  it("runs instances on the machine's Node.js with JSON.parse as the deployed runtime has it", async () => {
    const node = resolveDeployedNode({ machineOnly: true });
    assert.equal(node.execPath, process.execPath);
    const lambda = startLambdaService({
      functions: [testFunction('json', 'json-source-text')],
      logSink: recordingSink(),
      node,
    });
    try {
      const outcome = await lambda.invoke('json', testEvent());
      assert.deepEqual(outcome, {
        kind: 'result',
        value: { node: process.versions.node, source: '1.50', rawJSON: 'function' },
      });
    } finally {
      await lambda.close();
    }
  });

  it('answers an invocation whose Node.js binary cannot be started with an error, and does not hang', async () => {
    const node = { ...resolveDeployedNode(), execPath: '/nonexistent/bin/node' };
    const sink = recordingSink();
    const lambda = startLambdaService({
      functions: [testFunction('json', 'json-source-text')],
      logSink: sink,
      node,
    });
    try {
      const outcome = await lambda.invoke('json', testEvent());
      assert.equal(outcome.kind === 'error' && outcome.errorType, 'Runtime.ExitError');
      const lines = sink.lines('json');
      assert.ok(
        lines.some(
          (line) => line.includes('could not start /nonexistent/bin/node') && line.includes('ENOENT'),
        ),
      );
      assert.ok(lines.some((line) => line.startsWith('INIT_REPORT ')));
    } finally {
      await lambda.close();
    }
  });

  it('leaves the host process without the flag: loading the Lambda service sets none', () => {
    // A fresh process, without the test runner's preload (which turns the flag on for in-process tests).
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "await import('./local/lambda/start-lambda-service.ts'); const { hasJsonSourceText } = await import('./local/lambda/json-source-text.ts'); console.log(hasJsonSourceText());",
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    // Node.js 22 and later have it built in, whatever the flags.
    assert.equal(child.stdout.trim(), String(Number(process.versions.node.split('.')[0]) >= 22));
  });
});
