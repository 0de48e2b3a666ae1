import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resourceOf, synthesizeForFile } from './synthesize-stack.ts';

const stack = synthesizeForFile();

test("creates each declared index on its service's table: its key, the fields' types, every attribute projected", () => {
  let indexed = 0;
  for (const { service } of stack.bundled.services) {
    const table = stack.synth.stack.tables.get(service.name);
    assert.ok(table);
    const { Properties } = resourceOf(stack.synth.template, table);
    const declared = service.table.indexes ?? [];
    indexed += declared.length;
    assert.deepEqual(
      Properties.GlobalSecondaryIndexes ?? [],
      declared.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.key.hash.attribute, KeyType: 'HASH' },
          ...(index.key.range ? [{ AttributeName: index.key.range.attribute, KeyType: 'RANGE' }] : []),
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      service.name,
    );
    const types = new Map(
      (Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [
        a.AttributeName,
        a.AttributeType,
      ]),
    );
    for (const { key } of declared) {
      for (const attribute of [key.hash, key.range]) {
        if (attribute) assert.equal(types.get(attribute.attribute), attribute.type === 'number' ? 'N' : 'S');
      }
    }
    assert.equal(
      Properties.LocalSecondaryIndexes,
      undefined,
      'no LSI: one could not be added to a deployed table',
    );
  }
  assert.ok(indexed >= 2, 'orders and products declare an index each');
});
