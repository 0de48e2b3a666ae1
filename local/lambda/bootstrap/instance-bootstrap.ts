// Runs as each instance's process, under bare Node (no tsx) of the deployed major: it plays the
// part of Lambda's Node.js runtime. It imports the bundle once at start (module init), then runs
// one invocation at a time. The function's output lines go to the host on the same IPC channel as
// the replies (not through the process's stdout), so the host has every line of an invocation when
// its reply arrives, and writes START/END/REPORT around them itself.
// This file is the invocation loop; each other concern has its file beside it (see
// docs/architecture.md): the host channel, the environment, log capture, errors, runtime rules.
import { performance } from 'node:perf_hooks';
import type { ErrorShape, InstanceData, InvokeMessage } from '../instance-messages.ts';
import { folderBytes } from '../instance-tmp.ts';
import { enterInvocation, lambdaContext, takeInstanceData } from './environment.ts';
import { crashOnUncaughtErrors, describeError, formatError } from './errors.ts';
import { send } from './host-channel.ts';
import { captureLogs, flushPartial, setRequestId } from './log-capture.ts';
import { type Handler, loadHandler, MemoryMeter } from './runtime-rules.ts';

// The host is gone (stopped or killed): so is the instance.
process.on('disconnect', () => process.exit(0));

async function invoke(
  instance: InstanceData,
  memory: MemoryMeter,
  handler: Handler,
  message: InvokeMessage,
): Promise<void> {
  const { requestId } = message;
  setRequestId(requestId);
  enterInvocation(message);
  memory.startInvocation();
  const started = performance.now();
  let outcome: { type: 'result'; json: string } | ({ type: 'error' } & ErrorShape);
  try {
    // A synchronous throw and a rejection end alike: as an invocation error.
    const value = await handler(JSON.parse(message.eventJson), lambdaContext(instance, message));
    // Lambda serialises the result with JSON; undefined (or a function) becomes null.
    outcome = { type: 'result', json: JSON.stringify(value) ?? 'null' };
  } catch (error) {
    console.error('Invoke Error', formatError(error));
    outcome = { type: 'error', ...describeError(error) };
  }
  const durationMs = performance.now() - started;
  memory.endInvocation();
  flushPartial();
  // Measured here, on the instance's own thread, so that the host's event loop (the gateway) never walks a folder.
  const tmpBytes = folderBytes(process.env.TMPDIR ?? '');
  send({ ...outcome, requestId, durationMs, maxMemoryUsedMb: memory.maxMemoryUsedMb(), tmpBytes });
}

async function main(): Promise<void> {
  const instance = await takeInstanceData();
  const memory = new MemoryMeter(instance.memoryMb);
  captureLogs(instance.minimumLogLevel);
  crashOnUncaughtErrors();
  const loaded = await loadHandler(instance.bundleFile);
  flushPartial();
  if (typeof loaded !== 'function') {
    send({ type: 'init-error', ...loaded });
    return;
  }
  // The host sends one invocation at a time; the chain keeps it so even if it did not.
  let queue = Promise.resolve();
  process.on('message', (message: InvokeMessage) => {
    queue = queue.then(() => invoke(instance, memory, loaded, message));
  });
  send({ type: 'ready', maxMemoryUsedMb: memory.maxMemoryUsedMb() });
}

void main();
