import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDraft4Schema, draft4Ajv } from './draft4-ajv.ts';

describe('draft4Ajv and assertDraft4Schema', () => {
  it('refuses a schema that breaks the draft-4 meta-schema, as Ajv itself does', () => {
    assert.throws(() => assertDraft4Schema({ type: 'text' }), /schema is invalid: .*type/);
    assert.throws(() => assertDraft4Schema({ properties: { name: { minLength: -1 } } }), /schema is invalid/);
  });

  it('passes a valid schema through, and the instance compiles it', () => {
    const schema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    const validate = draft4Ajv({ allErrors: true }).compile(assertDraft4Schema(schema));
    assert.equal(validate({ name: 'a' }), true);
    assert.equal(validate({}), false);
  });

  it('keeps draft-4 semantics: a boolean exclusiveMaximum beside maximum', () => {
    const validate = draft4Ajv({}).compile(
      assertDraft4Schema({ type: 'number', maximum: 10, exclusiveMaximum: true }),
    );
    assert.equal(validate(9), true);
    assert.equal(validate(10), false);
  });
});
