// The local system starts as an ordered list of parts, all fed by one reading of the synthesized
// stack; a second start with nothing changed reads that stack from the cache, not synthesizing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestSystem } from '../support/test-system.ts';

test('starts its parts in order from one reading of the stack, and a second start with nothing changed does not synthesize', async () => {
  const first = await startTestSystem({ engine: 'dynalite' });
  try {
    const { system } = first;
    assert.deepEqual(
      system.parts.map((part) => part.name),
      [
        'declarations',
        'stack',
        'dynamodb',
        'modules',
        'build folder',
        'bundles',
        'first build',
        'user pool',
        'tables',
        'log store',
        'functions',
        'gateway',
      ],
    );
    // The gateway serves the stack's routes, and the banner's list of what is not run is the stack's.
    const answer = await fetch(`${first.url}/products`);
    assert.equal(answer.status, 401);
    assert.ok(system.notHonoured.some((line) => line.startsWith('AWS::WAFv2::WebACL')));
    assert.ok(system.routes.some((route) => route.resource === '/products/{id}' && route.method === 'PATCH'));
  } finally {
    await first.stop();
  }
  const second = await startTestSystem({ engine: 'dynalite' });
  try {
    assert.equal(second.system.synthesized, false);
  } finally {
    await second.stop();
  }
});
