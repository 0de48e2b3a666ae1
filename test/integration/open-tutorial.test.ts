// The `openTutorial` setting end to end: DynamoDBManager answers the AWS tutorial's requests
// without a token, while every other route still demands one. One engine is enough here: the
// switch lives in the gateway and the function's rule, not in the engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

describe('openTutorial', { timeout: 120_000 }, () => {
  let current: TestSystem;
  before(async () => {
    current = await startTestSystem({
      engine: 'dynalite',
      api: { ...DEFAULT_API_SETTINGS, openTutorial: true },
    });
  });
  after(() => current?.stop());

  test('the tutorial’s request works verbatim, without a token', async () => {
    // As the tutorial sends it: curl -X POST -d '{…}' (curl's default form Content-Type).
    const reply = await fetch(`${current.url}/DynamoDBManager`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: JSON.stringify({
        operation: 'create',
        payload: { Item: { id: '1234ABCD', number: 5 } },
      }),
    });
    assert.equal(reply.status, 200, await reply.clone().text());
    const route = current.system.routes.find((r) => r.resource === '/DynamoDBManager');
    assert.equal(route?.authorizationType, 'NONE');
  });

  test('every other route still needs a token', async () => {
    assert.equal((await fetch(`${current.url}/products`)).status, 401);
    assert.equal((await fetch(`${current.url}/orders`)).status, 401);
    const signedIn = await fetch(`${current.url}/products`, {
      headers: { Authorization: current.adminToken },
    });
    assert.equal(signedIn.status, 200);
  });
});
