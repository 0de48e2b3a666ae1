import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allow } from './access.ts';
import { defineService, type FunctionInput } from './define-service.ts';
import type { LogFormat } from './types.ts';

function declare(overrides: Partial<FunctionInput> = {}) {
  return defineService({
    name: 'notes',
    table: { name: 'notes', partitionKey: 'id' },
    functions: [
      {
        name: 'notes-get',
        method: 'GET',
        path: '/notes/{id}',
        handler: 'src/handlers/get.ts',
        actions: ['dynamodb:GetItem'],
        access: allow.signedIn(),
        ...overrides,
      },
    ],
  });
}

describe('defineService: log format', () => {
  it('defaults a function to the JSON log format and keeps a declared Text', () => {
    assert.equal(declare().functions[0]?.logFormat, 'JSON');
    assert.equal(declare({ logFormat: 'Text' }).functions[0]?.logFormat, 'Text');
  });

  it('refuses a log format Lambda does not have', () => {
    assert.throws(
      () => declare({ logFormat: 'XML' as LogFormat }),
      /functions\[0\]\.logFormat \(notes-get\): log format XML is not one of JSON, Text/,
    );
  });
});
