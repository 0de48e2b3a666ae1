// Instances as worker threads (what the local Lambda service ran until instances moved to the
// deployed major's binary) beside instances as child processes (what it runs now: a worker cannot
// run on another binary), measured back to back on the Node.js running this script: start until
// the handler is imported, the first invocation, the mean round trip of sequential invocations,
// and the memory each instance adds.
// `node --import tsx bench/instance-architecture.ts [instances] [invocations]`
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { handlerFile } from '#local/lambda/test-handlers/test-kit.ts';

const INSTANCES = Number(process.argv[2] ?? 4);
const INVOCATIONS = Number(process.argv[3] ?? 2000);
const HANDLER = handlerFile('whoami');

// The same small runtime loop for both: import the handler, then answer each event.
const LOOP = (channel: string) => `
const { pathToFileURL } = require('node:url');
${channel}
import(pathToFileURL(${JSON.stringify(HANDLER)}).href).then(({ handler }) => {
  on((event) => Promise.resolve(handler(JSON.parse(event))).then((value) => send(JSON.stringify(value))));
  send('ready');
});`;
const WORKER_SOURCE = LOOP(`const { parentPort } = require('node:worker_threads');
const send = (m) => parentPort.postMessage(m); const on = (f) => parentPort.on('message', f);`);
const CHILD_SOURCE = LOOP(`const send = (m) => process.send(m); const on = (f) => process.on('message', f);`);
const EVENT = JSON.stringify({ body: '{}' });

interface Instance {
  send(message: string): void;
  next(): Promise<unknown>;
  stop(): Promise<void>;
  pid?: number;
}

function asWorker(): Instance {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 128 },
  });
  return {
    send: (m) => worker.postMessage(m),
    next: async () => (await once(worker, 'message'))[0],
    stop: async () => void (await worker.terminate()),
  };
}

function asChild(): Instance {
  const child: ChildProcess = spawn(process.execPath, ['--max-old-space-size=128', '-e', CHILD_SOURCE], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return {
    send: (m) => child.send(m),
    next: async () => (await once(child, 'message'))[0],
    stop: async () => {
      child.kill();
      await once(child, 'exit');
    },
    pid: child.pid,
  };
}

const rssKb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

async function measure(start: () => Instance) {
  const before = rssKb(process.pid);
  const startMs: number[] = [];
  const firstMs: number[] = [];
  const instances: Instance[] = [];
  for (let i = 0; i < INSTANCES; i++) {
    const t0 = performance.now();
    const instance = start();
    await instance.next();
    const t1 = performance.now();
    instance.send(EVENT);
    await instance.next();
    startMs.push(t1 - t0);
    firstMs.push(performance.now() - t1);
    instances.push(instance);
  }
  const [first] = instances;
  if (!first) throw new Error('no instance');
  const t0 = performance.now();
  for (let i = 0; i < INVOCATIONS; i++) {
    first.send(EVENT);
    await first.next();
  }
  const roundTripUs = ((performance.now() - t0) * 1000) / INVOCATIONS;
  const own = rssKb(process.pid) - before;
  const children = instances.reduce((kb, instance) => kb + (instance.pid ? rssKb(instance.pid) : 0), 0);
  await Promise.all(instances.map((instance) => instance.stop()));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return {
    startMs: Math.round(mean(startMs)),
    firstInvocationMs: Math.round(mean(firstMs) * 10) / 10,
    roundTripUs: Math.round(roundTripUs),
    mbPerInstance: Math.round((own + children) / 1024 / INSTANCES),
  };
}

console.log(`Node.js ${process.version}, ${INSTANCES} instances, ${INVOCATIONS} sequential invocations`);
const rows: Record<string, Awaited<ReturnType<typeof measure>>[]> = {
  'worker thread': [],
  'child process': [],
};
// Interleaved, three rounds: the machine's load falls on both alike.
for (let round = 0; round < 3; round++) {
  rows['worker thread']?.push(await measure(asWorker));
  rows['child process']?.push(await measure(asChild));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[1] ?? 0;
console.log('| instances as | start → imported ms | first invocation ms | round trip µs | MB per instance |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, results] of Object.entries(rows))
  console.log(
    `| ${name} | ${median(results.map((r) => r.startMs))} | ${median(results.map((r) => r.firstInvocationMs))} | ${median(results.map((r) => r.roundTripUs))} | ${median(results.map((r) => r.mbPerInstance))} |`,
  );
