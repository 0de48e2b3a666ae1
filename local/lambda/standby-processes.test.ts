// A cold start adopts a process started ahead of need: the instance must not be able to tell.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootstrapSource } from './compile-bootstrap.ts';
import { FunctionInstance } from './function-instance.ts';
import type { FunctionSpec } from './function-spec.ts';
import { bootEnvironment, StandbyProcesses } from './standby-processes.ts';
import { recordingSink, testFunction } from './test-handlers/test-kit.ts';

describe('bootEnvironment', () => {
  it('keeps what Node reads as it boots and is the same for every instance: the locale, TZ and PATH', () => {
    assert.deepEqual(
      bootEnvironment({ LANG: 'en_US.UTF-8', LC_ALL: 'C', TZ: ':UTC', PATH: '/bin', TABLE_NAME: 'products' }),
      { LANG: 'en_US.UTF-8', LC_ALL: 'C', TZ: ':UTC', PATH: '/bin' },
    );
  });

  it('refuses an environment that sets what Node, libuv or OpenSSL read as they start', () => {
    for (const name of [
      'NODE_OPTIONS',
      'NODE_PATH',
      'NODE_EXTRA_CA_CERTS',
      'UV_THREADPOOL_SIZE',
      'OPENSSL_CONF',
    ])
      assert.equal(bootEnvironment({ LANG: 'en_US.UTF-8', [name]: 'x' }), undefined, name);
  });
});

describe('an instance begun from a standby', () => {
  let tmpRoot: string;
  let standbys: StandbyProcesses;
  const instances: FunctionInstance[] = [];
  const run = async (spec: FunctionSpec, withStandbys: boolean) => {
    const instance = new FunctionInstance({
      spec,
      region: 'us-east-1',
      logSink: recordingSink(),
      bootstrap: bootstrapSource(),
      tmpRoot,
      ...(withStandbys ? { standbys } : {}),
    });
    instances.push(instance);
    const outcome = await instance.invoke(`r${instances.length}`, JSON.stringify({ body: '{}' }));
    assert.equal(outcome.kind, 'result', JSON.stringify(outcome));
    return (outcome.kind === 'result' ? outcome.value : {}) as Record<string, unknown>;
  };
  /** What differs between any two instances: their stream, temp folder and request. */
  const shared = ({ env, context, pid: _pid, tmpdir: _tmpdir, ...rest }: Record<string, unknown>) => {
    const {
      AWS_LAMBDA_LOG_STREAM_NAME: _stream,
      TMPDIR: _a,
      TEMP: _b,
      TMP: _c,
      _X_AMZN_TRACE_ID: _trace,
      ...variables
    } = env as Record<string, string>;
    const {
      awsRequestId: _id,
      logStreamName: _name,
      remainingMs: _ms,
      ...fixed
    } = context as Record<string, unknown>;
    return { variables, fixed, ...rest };
  };

  before(async () => {
    tmpRoot = await mkdtemp(path.join(os.tmpdir(), 'standby-'));
    standbys = new StandbyProcesses(tmpRoot);
  });
  after(async () => {
    await Promise.all(instances.map((instance) => instance.terminate()));
    await standbys.close();
    await rm(tmpRoot, { recursive: true, force: true });
  });

  it('is the waiting process, and sees what a process started for it sees', async () => {
    const spec = testFunction('alpha', 'environment', { environment: { ALPHA_ONLY: 'a' } });
    const started = await run(spec, false);
    assert.equal(standbys.waiting.length, 0, 'nothing waits before the first launch of its kind');
    const first = await run(spec, true);
    assert.ok(!standbys.waiting.includes(first.pid as number));
    const waiting = standbys.waiting;
    assert.equal(waiting.length, 1, 'the first launch of a kind starts a standby for the next');
    const begun = await run(spec, true);
    assert.deepEqual([begun.pid], waiting, 'the second instance is the process that waited');
    assert.equal(standbys.waiting.length, 1, 'and another waits for the one after');
    assert.notEqual(standbys.waiting[0], begun.pid);
    assert.deepEqual(shared(begun), shared(started));
    assert.equal((begun.env as Record<string, string>).ALPHA_ONLY, 'a');
    assert.equal(begun.cwd, started.cwd);
    assert.match(String(begun.tmpdir), new RegExp(`^${tmpRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('is replaced once the instance it became has answered its first invocation, not before', async () => {
    const hold = await mkdtemp(path.join(tmpRoot, 'hold-'));
    const spec = testFunction('held', 'held', { environment: { HOLD_DIR: hold } });
    const [standby] = standbys.waiting;
    assert.ok(standby, 'a standby waits from the tests before');
    const instance = new FunctionInstance({
      spec,
      region: 'us-east-1',
      logSink: recordingSink(),
      bootstrap: bootstrapSource(),
      tmpRoot,
      standbys,
    });
    instances.push(instance);
    const outcome = instance.invoke('held-1', '{}');
    /** Resolves once the held instance has written `file` (a bounded wait: it fails the test after 10 s). */
    const written = async (file: string) => {
      const deadline = Date.now() + 10_000;
      while (!existsSync(path.join(hold, file))) {
        assert.ok(Date.now() < deadline, `the instance never wrote ${file}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return readFile(path.join(hold, file), 'utf8');
    };
    // Its bundle is loading (the module wrote `started`) and holds there: nothing boots beside it.
    assert.equal(await written('started'), String(standby));
    assert.deepEqual(standbys.waiting, [], 'no standby boots while the init runs');
    await writeFile(path.join(hold, 'release'), '');
    assert.equal(await written('invoked'), String(standby));
    assert.deepEqual(standbys.waiting, [], 'nor while the first invocation runs');
    await writeFile(path.join(hold, 'answer'), '');
    const answered = await outcome;
    assert.equal(answered.kind, 'result', JSON.stringify(answered));
    assert.equal(standbys.waiting.length, 1, 'once it has answered, one waits for the next cold start');
    assert.notEqual(standbys.waiting[0], standby);
  });

  it('is never a function whose environment sets what Node reads as it boots', async () => {
    const spec = testFunction('tuned', 'environment', { environment: { NODE_OPTIONS: '--no-warnings' } });
    const waiting = standbys.waiting;
    const tuned = await run(spec, true);
    assert.ok(!waiting.includes(tuned.pid as number));
    assert.equal((tuned.env as Record<string, string>).NODE_OPTIONS, '--no-warnings');
  });

  it('leaves no process behind once closed', async () => {
    const waiting = standbys.waiting;
    assert.ok(waiting.length > 0);
    await standbys.close();
    for (const pid of waiting) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    assert.deepEqual(standbys.waiting, []);
  });
});
