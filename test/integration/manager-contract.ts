import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineName } from '#local/dynamodb/engines/engine.ts';
import type { ApiClient } from '../support/http.ts';
import { assertProblem } from './products-contract.ts';

/**
 * The requests of AWS's tutorial "Using Lambda with API Gateway", verbatim (curl -d sends
 * `application/x-www-form-urlencoded`, so that is what they are sent as), then design §5's refusals.
 */
export function managerContract(api: () => ApiClient, engine: () => EngineName): void {
  const tutorial = (raw: string) =>
    api()('POST', '/DynamoDBManager', {
      raw,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

  describe('DynamoDBManager', () => {
    test('runs the tutorial requests verbatim: echo, create, update, read, list, delete', async () => {
      const echo = await tutorial(
        '{"operation":"echo","payload":{"somekey1":"somevalue1","somekey2":"somevalue2"}}',
      );
      assert.equal(echo.status, 200, echo.text);
      assert.deepEqual(echo.json, { somekey1: 'somevalue1', somekey2: 'somevalue2' });

      const create = await tutorial(
        '{"operation": "create", "tableName": "lambda-apigateway", "payload": {"Item": {"id": "1234ABCD", "number": 5}}}',
      );
      assert.equal(create.status, 200, create.text);
      assert.deepEqual(create.json, {});

      const update = await tutorial(
        '{"operation": "update", "tableName": "lambda-apigateway", "payload": {"Key": {"id": "1234ABCD"}, "UpdateExpression": "SET #num = :newNum", "ExpressionAttributeNames": {"#num": "number"}, "ExpressionAttributeValues": {":newNum": 10}}}',
      );
      assert.equal(update.status, 200, update.text);
      assert.deepEqual(update.json, {});

      const read = await tutorial(
        '{"operation": "read", "tableName": "lambda-apigateway", "payload": {"Key": {"id": "1234ABCD"}}}',
      );
      assert.deepEqual(read.json, { Item: { id: '1234ABCD', number: 10 } });

      const list = await tutorial('{"operation": "list", "tableName": "lambda-apigateway", "payload": {}}');
      assert.equal(list.status, 200, list.text);
      const scanned = list.json as { Items: { id: string }[]; Count: number; ScannedCount: number };
      assert.ok(scanned.Items.some((item) => item.id === '1234ABCD'));
      assert.equal(scanned.Count, scanned.Items.length);
      assert.equal(typeof scanned.ScannedCount, 'number');

      const del = await tutorial(
        '{"operation": "delete", "tableName": "lambda-apigateway", "payload": {"Key": {"id": "1234ABCD"}}}',
      );
      assert.equal(del.status, 200, del.text);
      assert.deepEqual(del.json, {});
      const gone = await tutorial('{"operation": "read", "payload": {"Key": {"id": "1234ABCD"}}}');
      assert.deepEqual(gone.json, {});
    });

    test('answers ping with "pong", pages a scan and returns attributes when asked', async () => {
      assert.equal((await tutorial('{"operation":"ping"}')).json, 'pong');
      for (const id of ['page-a', 'page-b', 'page-c']) {
        await tutorial(JSON.stringify({ operation: 'create', payload: { Item: { id } } }));
      }
      const first = (await tutorial('{"operation":"list","payload":{"Limit":1}}')).json as {
        Items: unknown[];
        LastEvaluatedKey?: Record<string, unknown>;
      };
      assert.equal(first.Items.length, 1);
      assert.ok(first.LastEvaluatedKey);
      const next = await tutorial(
        JSON.stringify({
          operation: 'list',
          payload: { Limit: 1, ExclusiveStartKey: first.LastEvaluatedKey },
        }),
      );
      assert.equal(next.status, 200);
      assert.notDeepEqual((next.json as { Items: unknown[] }).Items, first.Items);
      const returned = await tutorial(
        '{"operation":"update","payload":{"Key":{"id":"page-a"},"UpdateExpression":"SET n = :n","ExpressionAttributeValues":{":n":1},"ReturnValues":"ALL_NEW"}}',
      );
      assert.deepEqual(returned.json, { Attributes: { id: 'page-a', n: 1 } });
    });

    test('refuses another table (403), a TableName in the payload (403) and unknown operations (400)', async () => {
      assertProblem(
        await tutorial('{"operation":"read","tableName":"users","payload":{"Key":{"id":"x"}}}'),
        403,
      );
      assertProblem(await tutorial('{"operation":"list","payload":{"TableName":"users"}}'), 403);
      assertProblem(await tutorial('{"operation":"list","payload":{"TableName":"lambda-apigateway"}}'), 403);
      assertProblem(await tutorial('{"operation":"drop","payload":{}}'), 400);
    });

    test("gives DynamoDB's reason for a rejected payload (400) and 409 for a failed condition", async () => {
      const badExpression = await tutorial(
        '{"operation":"update","payload":{"Key":{"id":"x"},"UpdateExpression":"SET = oops"}}',
      );
      assertProblem(badExpression, 400);
      assert.match(String((badExpression.json as { detail: string }).detail), /syntax|Invalid|expression/i);
      const missingKey = await tutorial('{"operation":"create","payload":{"Item":{"number":1}}}');
      assertProblem(missingKey, 400);
      await tutorial('{"operation":"create","payload":{"Item":{"id":"cond-1"}}}');
      const conflict = await tutorial(
        '{"operation":"create","payload":{"Item":{"id":"cond-1"},"ConditionExpression":"attribute_not_exists(id)"}}',
      );
      assertProblem(conflict, 409);
    });

    test('answers a failed condition as DynamoDB does: its own message, and the stored item when asked', async () => {
      await tutorial('{"operation":"create","payload":{"Item":{"id":"cond-old","n":7,"tags":["a"]}}}');
      const plain = await tutorial(
        '{"operation":"update","payload":{"Key":{"id":"cond-old"},"UpdateExpression":"SET n = :n","ConditionExpression":"n = :old","ExpressionAttributeValues":{":n":8,":old":1}}}',
      );
      assertProblem(plain, 409);
      const body = plain.json as Record<string, unknown>;
      assert.equal(body.detail, 'The conditional request failed');
      assert.equal('Item' in body, false, 'the item only when the payload asks for it');
      const asked = await tutorial(
        '{"operation":"create","payload":{"Item":{"id":"cond-old"},"ConditionExpression":"attribute_not_exists(id)","ReturnValuesOnConditionCheckFailure":"ALL_OLD"}}',
      );
      assertProblem(asked, 409);
      const answered = asked.json as Record<string, unknown>;
      assert.equal(answered.detail, 'The conditional request failed');
      if (engine() === 'dynamodb-local') {
        assert.deepEqual(answered.Item, { id: 'cond-old', n: 7, tags: ['a'] });
      } else {
        // dynalite (4.x) does not implement ReturnValuesOnConditionCheckFailure: no item comes back.
        assert.equal('Item' in answered, false);
      }
      const read = await tutorial('{"operation":"read","payload":{"Key":{"id":"cond-old"}}}');
      assert.deepEqual(read.json, { Item: { id: 'cond-old', n: 7, tags: ['a'] } }, 'nothing changed');
    });

    test("passes DynamoDB's other rejections on as 400s with its message unchanged, an index included", async () => {
      for (const raw of [
        '{"operation":"list","payload":{"IndexName":"by-name"}}',
        '{"operation":"list","payload":{"FilterExpression":"n >"}}',
        '{"operation":"read","payload":{"Key":{"id":5}}}',
        '{"operation":"read","payload":{"Key":{"id":"x","other":"y"}}}',
        '{"operation":"update","payload":{"Key":{"id":"x"},"UpdateExpression":"SET #a = :a"}}',
        '{"operation":"list","payload":{"Limit":0}}',
        '{"operation":"create","payload":{"Item":{"id":""}}}',
      ]) {
        const reply = await tutorial(raw);
        assertProblem(reply, 400);
        const { detail } = reply.json as { detail: string };
        assert.doesNotMatch(detail, /^The (request|database)/, `${raw}: DynamoDB's own words, ${detail}`);
      }
      const index = await tutorial('{"operation":"list","payload":{"IndexName":"by-name"}}');
      assert.match((index.json as { detail: string }).detail, /index/i);
    });

    test('refuses a payload nested 100,000 levels deep with a 400 naming the nesting limit', async () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      for (const raw of [
        `{"operation":"echo","payload":${deep}}`,
        `{"operation":"create","payload":{"Item":{"id":"deep","x":${deep}}}}`,
        `{"operation":"echo","payload":${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}}`,
      ]) {
        const reply = await tutorial(raw);
        assertProblem(reply, 400);
        assert.match((reply.json as { detail: string }).detail, /32 levels of nesting/);
      }
      const gone = await tutorial('{"operation":"read","payload":{"Key":{"id":"deep"}}}');
      assert.deepEqual(gone.json, {});
    });
  });
}
