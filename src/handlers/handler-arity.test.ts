// The Node.js 24 runtime refuses, at init, a handler declared with three or more parameters
// (callback style): every declared function's handler must take (event, context) at most.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runtimeService } from '#src/build/runtime-service.ts';
import { functionEnvironment } from '#src/declaration/function-environment.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';

test('every declared handler takes at most (event, context), as Node.js 24 requires', async () => {
  const services = await loadServices();
  let checked = 0;
  for (const { service } of services) {
    for (const fn of service.functions) {
      const module = (await import(pathToFileURL(path.resolve(PROJECT_ROOT, fn.handler)).href)) as {
        makeHandler: (service: unknown, name: string) => (...args: unknown[]) => unknown;
      };
      // A handler reads its environment when it is made, as it would at init.
      const environment = functionEnvironment(service, fn, {
        tableName: service.table.name,
        logLevel: 'INFO',
        corsOrigins: ['*'],
        idempotencyTableName: 'idempotency-records',
      });
      const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
      Object.assign(process.env, environment);
      let handler: (...args: unknown[]) => unknown;
      try {
        handler = module.makeHandler(runtimeService(service), fn.name);
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
      assert.equal(typeof handler, 'function', fn.name);
      assert.ok(handler.length <= 2, `${fn.name}: its handler declares ${handler.length} parameters`);
      checked += 1;
    }
  }
  assert.ok(checked > 0, 'the project declares functions');
});
