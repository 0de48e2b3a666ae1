// `npm run verify` runs this file: the HTTP contract suites of define-suite.ts, against whatever
// API scripts/verify.ts was pointed at (the local system, or a deployed stage). Only suites that
// speak HTTP alone to the shipped services are here: the others read or break the engine behind
// the API, need the suites' throwaway services, or expect one engine's quirks. Everything the run
// creates is deleted at the end.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { deleteCreations, recordCreations } from '../support/created-resources.ts';
import { apiClient } from '../support/http.ts';
import { VERIFY_ENV } from '../support/verify-env.ts';
import { clientContract } from './client-contract.ts';
import { concurrency } from './concurrency.ts';
import { describedClient, openApiConformance } from './openapi-conformance.ts';
import { productsContract } from './products-contract.ts';

const url = (process.env[VERIFY_ENV.url] ?? '').replace(/\/+$/, '');
const token = process.env[VERIFY_ENV.token] ?? '';

describe(`the HTTP contract of ${url || '(no URL: run npm run verify)'}`, { timeout: 600_000 }, () => {
  assert.ok(url && token, `run through npm run verify, which sets ${VERIFY_ENV.url} and ${VERIFY_ENV.token}`);
  const created = recordCreations(url);
  const undescribed: string[] = [];
  const client = describedClient(apiClient(url, { token }), undescribed);
  after(async () => {
    assert.deepEqual(await deleteCreations(url, token, created), [], 'everything the run created is deleted');
  });

  productsContract(() => client);
  concurrency(() => client, { throwaway: false });
  openApiConformance(() => client);
  clientContract(
    () => url,
    () => token,
  );

  test('got only responses the OpenAPI document describes, in every test above', () => {
    assert.deepEqual(undescribed, []);
  });
});
