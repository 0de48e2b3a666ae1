import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { bodyDraft4Schema } from '#src/declaration/body-schema.ts';
import { bodyValidator } from './validate-body.ts';

const model = bodyDraft4Schema(z.strictObject({ name: z.string().min(1), price: z.number().min(0) }));
const check = bodyValidator({ 'application/json': model });

describe('bodyValidator', () => {
  it('refuses a model that is not a valid draft-4 schema when it is built, not at the first request', () => {
    assert.throws(
      () => bodyValidator({ 'application/json': { type: 'object', required: 'name' } }),
      /schema is invalid/,
    );
  });

  it('accepts a body that fits the model', () => {
    assert.deepEqual(check('application/json; charset=utf-8', '{"name":"a","price":1}'), { ok: true });
  });

  it('reports every violation, not only the first', () => {
    const result = check('application/json', '{"name":"","price":-1,"extra":true}');
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.message, /^\[.*\]$/);
    for (const part of [/name: /, /price: /, /additional properties/]) assert.match(result.message, part);
  });

  it('takes a request without Content-Type as JSON and an empty body as {}', () => {
    const result = check(undefined, '');
    assert.equal(result.ok, false);
    assert.ok(!result.ok);
    assert.match(result.message, /required property 'name'/);
  });

  it('refuses a body that is not JSON with "Invalid request body"', () => {
    assert.deepEqual(check('application/json', '{"name":'), { ok: false, message: 'Invalid request body' });
  });

  it('leaves a media type with no model unvalidated, unless a $default model exists', () => {
    assert.deepEqual(check('text/plain', 'hello'), { ok: true });
    const withDefault = bodyValidator({ $default: model });
    assert.equal(withDefault('text/plain', '{}').ok, false);
  });

  it('validates draft-4 keywords such as exclusiveMinimum as a boolean', () => {
    const positive = bodyValidator({
      'application/json': bodyDraft4Schema(z.strictObject({ n: z.number().gt(0) })),
    });
    assert.equal(positive(undefined, '{"n":0}').ok, false);
    assert.equal(positive(undefined, '{"n":0.5}').ok, true);
  });
});
