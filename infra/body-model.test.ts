import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JsonSchemaVersion } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { bodyJsonSchema } from './body-model.ts';
import { bodyModelName, pascalCase, tableOutputName } from './logical-names.ts';

/** What every number's schema gains: DynamoDB's range, as draft 4 says it. */
const DYNAMODB_BOUNDS = {
  maximum: 1e126,
  exclusiveMaximum: true,
  not: {
    type: 'number',
    minimum: -1e-130,
    exclusiveMinimum: true,
    maximum: 1e-130,
    exclusiveMaximum: true,
    not: { enum: [0] },
  },
};

describe('bodyJsonSchema', () => {
  test('turns a strict zod object into a draft-4 schema that rejects unknown fields', () => {
    const schema = bodyJsonSchema(
      z.strictObject({ name: z.string().min(1).max(5), price: z.number().min(0) }),
    );
    assert.deepEqual(schema, {
      schema: JsonSchemaVersion.DRAFT4,
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 5 },
        price: { type: 'number', minimum: 0, ...DYNAMODB_BOUNDS },
      },
      required: ['name', 'price'],
      additionalProperties: false,
    });
  });

  test('describes what a client may send: a field with a default is optional', () => {
    const schema = bodyJsonSchema(
      z.strictObject({ name: z.string(), tags: z.array(z.string()).default([]) }),
    );
    assert.deepEqual(schema.required, ['name']);
  });

  test('uses draft 4 keywords: an exclusive bound is a boolean flag', () => {
    const schema = bodyJsonSchema(z.strictObject({ price: z.number().gt(0) }));
    assert.deepEqual(schema.properties?.price, {
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      ...DYNAMODB_BOUNDS,
    });
  });

  test('bounds every number to what DynamoDB stores, keeping tighter declared bounds', () => {
    const schema = bodyJsonSchema(
      z.strictObject({ any: z.number(), small: z.number().max(10), list: z.array(z.number().nullable()) }),
    );
    assert.deepEqual(schema.properties?.any, {
      type: 'number',
      minimum: -1e126,
      exclusiveMinimum: true,
      ...DYNAMODB_BOUNDS,
    });
    assert.equal(schema.properties?.small?.maximum, 10);
    assert.equal(schema.properties?.small?.exclusiveMaximum, undefined);
    assert.match(JSON.stringify(schema.properties?.list), /"maximum":1e\+126/);
  });

  test('lets null through where a merge patch may remove a field', () => {
    const schema = bodyJsonSchema(z.strictObject({ note: z.string().nullable().optional() }));
    assert.deepEqual(schema.properties?.note, { type: ['string', 'null'] });
  });
});

describe('logical names', () => {
  test('make alphanumeric names from declared names', () => {
    assert.equal(pascalCase('products-create'), 'ProductsCreate');
    assert.equal(pascalCase('DynamoDBManager'), 'DynamoDBManager');
    assert.equal(bodyModelName('products-update'), 'ProductsUpdateBody');
    assert.equal(tableOutputName('products'), 'ProductsTableName');
  });
});
