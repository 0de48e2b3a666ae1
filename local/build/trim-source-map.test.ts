import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { trimSourceMap } from './trim-source-map.ts';

const withMap = (code: string, map: object) =>
  Buffer.from(
    `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`,
  );
const mapOf = (bundle: Uint8Array) => {
  const text = Buffer.from(bundle).toString();
  const data = text.slice(text.lastIndexOf('base64,') + 7).trim();
  return JSON.parse(Buffer.from(data, 'base64').toString()) as {
    sources: string[];
    names: string[];
    mappings: string;
  };
};

describe('trimSourceMap', () => {
  it('keeps the mappings of the project’s code and drops those of node_modules', () => {
    const mappings = encode([
      [
        [0, 0, 0, 0],
        [5, 1, 3, 2, 0],
        [9, 2, 7, 1, 1],
      ],
    ]);
    const bundle = withMap('a();b();c();', {
      version: 3,
      sources: ['../../node_modules/sdk/x.js', '../../src/handlers/get.ts', '../../src/http/handle.ts'],
      names: ['sdkName', 'handle'],
      mappings,
    });
    const map = mapOf(trimSourceMap(bundle));
    assert.deepEqual(map.sources, ['../../src/handlers/get.ts', '../../src/http/handle.ts']);
    assert.deepEqual(map.names, ['sdkName', 'handle']);
    assert.deepEqual(decode(map.mappings), [
      [
        [5, 0, 3, 2, 0],
        [9, 1, 7, 1, 1],
      ],
    ]);
    assert.ok(Buffer.from(trimSourceMap(bundle)).toString().startsWith('a();b();c();\n'));
  });

  it('leaves a bundle without a map as it is', () => {
    const bundle = Buffer.from('export const handler = 1;\n');
    assert.equal(trimSourceMap(bundle), bundle);
  });
});
