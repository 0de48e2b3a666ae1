// Preloaded into every test file's process by scripts/run-tests.mjs: gives every `test` and `it`
// a default timeout (SM_TEST_TIMEOUT_S, 120 s) unless it sets its own. Node 20's --test-timeout
// bounds a whole file rather than each test, so the default is set here, where `node:test` is
// loaded, for every file alike.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const timeout = Number(process.env.SM_TEST_TIMEOUT_S ?? 120) * 1000;

/** `test(name?, options?, fn?)` with `timeout` added to the options when they have none. */
function withDefaultTimeout(register) {
  return function registerWithTimeout(...args) {
    const at = args.findIndex((arg) => typeof arg === 'object' && arg !== null);
    if (at === -1) {
      const insertAt = typeof args[0] === 'string' ? 1 : 0;
      args.splice(insertAt, 0, { timeout });
    } else if (args[at].timeout === undefined) {
      args[at] = { ...args[at], timeout };
    }
    return register.apply(this, args);
  };
}

for (const name of ['test', 'it']) {
  const original = nodeTest[name];
  const wrapped = Object.assign(withDefaultTimeout(original), original);
  for (const variant of ['skip', 'todo', 'only']) {
    if (typeof original[variant] === 'function') wrapped[variant] = withDefaultTimeout(original[variant]);
  }
  nodeTest[name] = wrapped;
}
// The default export is `test` itself; ESM imports of `node:test` see the new bindings after this.
syncBuiltinESMExports();
