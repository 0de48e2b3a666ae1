// `npm start` on whatever Node.js runs it: the functions run on the deployed major's binary, the
// banner says so, and it serves; with SM_FUNCTIONS_NODE=machine they run on the machine's instead.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type CliProcess, startCli } from '../../bench/cli-process.ts';
import { MACHINE_ONLY_VARIABLE, resolveDeployedNode } from './deployed-runtime.ts';

const ARGS = ['--port', '0', '--in-memory', '--engine', 'dynalite', '--log-level', 'WARN'];

/** The banner's line about the functions' Node.js. */
const functionsLine = (cli: CliProcess) => /^ {2}Functions {2}(.*)$/m.exec(cli.banner)?.[1];

describe('npm start', () => {
  const deployed = resolveDeployedNode();
  const started: CliProcess[] = [];
  after(() => Promise.all(started.map((cli) => cli.stop())));

  it('runs every function on the deployed major, says so, serves a signed-in POST /products and stops on SIGTERM', async () => {
    // Started on the Node.js running this test (the machine's in CI's first run).
    const cli = await startCli(ARGS);
    started.push(cli);
    assert.equal(
      functionsLine(cli),
      `Node.js ${deployed.version.slice(1)} (${deployed.from}) for ${deployed.runtime}`,
    );
    const created = await fetch(`${cli.url}/products`, {
      method: 'POST',
      headers: { authorization: cli.token, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'on the deployed runtime', price: 2.5 }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    assert.equal(((await created.json()) as { name: string }).name, 'on the deployed runtime');
    assert.equal(await cli.stop('SIGTERM'), 0);
  });

  it(`stays on the machine's Node.js with ${MACHINE_ONLY_VARIABLE}=machine and says that it emulates`, async () => {
    const cli = await startCli(ARGS, { env: { [MACHINE_ONLY_VARIABLE]: 'machine' } });
    started.push(cli);
    const line = functionsLine(cli) ?? '';
    if (process.version === deployed.version) {
      // Already on the deployed major: nothing to emulate.
      assert.equal(line, `Node.js ${deployed.version.slice(1)} (${deployed.from}) for ${deployed.runtime}`);
    } else {
      assert.match(
        line,
        new RegExp(
          `^Node\\.js ${process.versions.node} \\(this machine\\) for ${deployed.runtime}: Node\\.js ${deployed.major}'s rules emulated`,
        ),
      );
      assert.ok(line.endsWith(`unset ${MACHINE_ONLY_VARIABLE}`), line);
    }
    assert.equal(await cli.stop('SIGINT'), 0);
  });
});
