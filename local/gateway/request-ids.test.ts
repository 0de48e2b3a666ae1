import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newApiIds, newRequestIds, resourceIdOf } from './request-ids.ts';

describe('newRequestIds', () => {
  it('gives every request fresh identifiers in the formats AWS uses', () => {
    const now = new Date('2024-06-17T14:48:13.506Z');
    const first = newRequestIds(now);
    const second = newRequestIds(now);
    assert.match(first.requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(first.extendedRequestId, /^[A-Za-z0-9+/]{15}=$/);
    assert.match(first.traceId, /^Root=1-66704cad-[0-9a-f]{24}$/);
    assert.notEqual(first.requestId, second.requestId);
    assert.notEqual(first.extendedRequestId, second.extendedRequestId);
    assert.notEqual(first.traceId, second.traceId);
  });

  it('continues a trace the client started', () => {
    const clientTrace = 'Root=1-5759e988-bd862e3fe1be46a994272793';
    assert.equal(newRequestIds(new Date(), clientTrace).traceId, clientTrace);
  });
});

describe('newApiIds', () => {
  it('keeps the API id across starts and gives each start a new deployment id', () => {
    const first = newApiIds();
    const second = newApiIds();
    assert.match(first.apiId, /^[a-z0-9]{10}$/);
    assert.equal(first.apiId, second.apiId);
    assert.match(first.deploymentId, /^[a-z0-9]{6}$/);
    assert.notEqual(first.deploymentId, second.deploymentId);
  });
});

describe('resourceIdOf', () => {
  it('gives the same template the same id and different templates different ids', () => {
    assert.match(resourceIdOf('/products/{id}'), /^[a-z0-9]{6}$/);
    assert.equal(resourceIdOf('/products/{id}'), resourceIdOf('/products/{id}'));
    assert.notEqual(resourceIdOf('/products/{id}'), resourceIdOf('/products'));
  });
});
