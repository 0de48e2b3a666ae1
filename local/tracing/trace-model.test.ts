// How a trace header names its trace: the request's root, and the W3C id the console shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { traceIdOfRoot, traceIdOfXRay, xrayRootOf } from './trace-model.ts';

const ROOT = '1-66704cad-0123456789abcdef01234567';

describe('xrayRootOf', () => {
  it('cuts the root out wherever the header puts it', () => {
    assert.equal(xrayRootOf(`Root=${ROOT}`), ROOT);
    assert.equal(xrayRootOf(`Root=${ROOT};Parent=9f2c0d4e1a2b3c4d;Sampled=0`), ROOT);
    assert.equal(xrayRootOf(`Parent=9f2c0d4e1a2b3c4d;Root=${ROOT};Sampled=1`), ROOT);
    assert.equal(xrayRootOf(`Self=1-5759e988-bd862e3fe1be46a994272793;Root=${ROOT}`), ROOT);
  });

  it('answers undefined for a header without a well-formed root', () => {
    for (const header of [
      undefined,
      '',
      'Parent=9f2c0d4e1a2b3c4d',
      'Root=',
      'Root=1-66704cad-0123',
      'Root=2-66704cad-0123456789abcdef01234567',
      'Root=1-66704cad0-123456789abcdef01234567',
      'NotRoot=1-66704cad-0123456789abcdef01234567',
    ])
      assert.equal(xrayRootOf(header), undefined, String(header));
  });
});

describe('traceIdOfRoot', () => {
  it('joins the time and random parts, lower case, as X-Ray ids map to W3C ones', () => {
    assert.equal(traceIdOfRoot(ROOT), '66704cad0123456789abcdef01234567');
    assert.equal(traceIdOfRoot(ROOT.toUpperCase()), '66704cad0123456789abcdef01234567');
    assert.equal(traceIdOfRoot(ROOT), traceIdOfXRay(`Root=${ROOT}`));
  });

  it('refuses a root that is not hexadecimal', () => {
    assert.equal(traceIdOfRoot('1-66704cax-0123456789abcdef01234567'), undefined);
    assert.equal(traceIdOfRoot('1-66704cad-0123456789abcdef0123456z'), undefined);
  });
});
