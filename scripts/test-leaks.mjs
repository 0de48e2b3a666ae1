// Preloaded into every test file's process by scripts/run-tests.mjs. The runner ends a file's
// process once its tests are done (--test-force-exit), so nothing a test leaves open can keep the
// run waiting; this makes such a leak fail the file instead of passing silently, and names where
// the leaked server, child process or worker thread was started.
import { createHook } from 'node:async_hooks';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** Handle types that keep a process alive and that a test must stop itself. */
const TRACKED = {
  TCPSERVERWRAP: 'a listening server',
  PROCESSWRAP: 'a child process',
  WORKER: 'a worker thread',
};
const live = new Map();

function callerStack() {
  const holder = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(holder, callerStack);
  Error.stackTraceLimit = limit;
  return holder.stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim().replace(/^at /, ''))
    .filter(
      (line) =>
        line.includes(projectRoot) && !line.includes('node_modules') && !line.includes('test-leaks.mjs'),
    )
    .map((line) => line.replace(projectRoot, ''))
    .slice(0, 4);
}

// A server's handle is made on a later tick than listen() is called, so its stack is taken here.
const listenStacks = new WeakMap();
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenWithStack(...args) {
  listenStacks.set(this, callerStack());
  return listen.apply(this, args);
};

// A worker's handle has no owner to ask and is only destroyed when collected, so its exit is
// noted as it happens: Node calls the handle's `onexit`, set right after the handle is made.
const exitedWorkers = new WeakSet();
function noteExit(handle) {
  const onexit = handle.onexit;
  if (typeof onexit !== 'function') return;
  handle.onexit = function onexitNoted(...args) {
    exitedWorkers.add(handle);
    return onexit.apply(this, args);
  };
}

createHook({
  init(id, type, _trigger, resource) {
    if (!(type in TRACKED)) return;
    live.set(id, { type, resource, stack: callerStack() });
    if (type === 'WORKER') process.nextTick(noteExit, resource);
  },
  destroy(id) {
    live.delete(id);
  },
}).enable();

/** The object a handle belongs to (a net.Server, a ChildProcess, a Worker), as Node links them. */
function ownerOf(resource) {
  const symbol = Object.getOwnPropertySymbols(resource).find((s) => s.description === 'owner_symbol');
  return symbol ? resource[symbol] : undefined;
}

/** Still open? A handle's destroy hook can lag its close, so ask its owner. */
function isOpen(type, resource) {
  if (type === 'WORKER') return !exitedWorkers.has(resource);
  const owner = ownerOf(resource);
  if (!owner) return true;
  if (type === 'TCPSERVERWRAP') return owner.listening === true;
  return owner.exitCode === null && owner.signalCode === null;
}

process.on('exit', () => {
  const leaks = [...live.values()].filter(
    ({ type, resource }) => resource.hasRef?.() !== false && isOpen(type, resource),
  );
  if (leaks.length === 0) return;
  // stdout carries the test runner's own protocol: the report goes to stderr.
  console.error(
    `\n✖ ${leaks.length} handle(s) left open after this file's tests (stop them in \`finally\`):`,
  );
  for (const { type, resource, stack } of leaks) {
    const owner = ownerOf(resource);
    const where = listenStacks.get(owner) ?? stack;
    console.error(`  - ${TRACKED[type]}, started at ${where.join(' ← ') || '(outside the project)'}`);
    // Nothing outlives the run: a leaked child process is ended with its test file.
    if (type === 'PROCESSWRAP') owner?.kill?.('SIGKILL');
  }
  process.exitCode = 1;
});
