import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { LOCAL_ACCOUNT_ID as IAM_ACCOUNT_ID } from './dynamodb/guard/iam/resolve-intrinsics.ts';
import { newApiIds, newRequestIds } from './gateway/request-ids.ts';
import { toProxyEvent } from './gateway/to-proxy-event.ts';
import { functionArn } from './lambda/lambda-environment.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './local-account.ts';

/** The TypeScript sources (tests aside) of the folders whose code writes ARNs or events. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`));
}

// On AWS the API, the functions and their roles live in one account; locally too, or an ARN a
// handler reads from its context would name a different account than the guard's messages.
describe('the local account', () => {
  test('is the one the function ARNs, the gateway events and the IAM guard name', () => {
    assert.equal(IAM_ACCOUNT_ID, LOCAL_ACCOUNT_ID);
    assert.equal(
      functionArn(LOCAL_REGION, 'products-get'),
      `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:products-get`,
    );
    const receivedAt = new Date('2026-01-01T00:00:00Z');
    const event = toProxyEvent(
      {
        method: 'GET',
        path: '/products',
        query: '',
        rawHeaders: ['Host', '127.0.0.1'],
        body: Buffer.alloc(0),
        sourceIp: '127.0.0.1',
        port: 80,
      },
      {
        resource: '/products',
        pathParameters: null,
        stage: 'prod',
        basePath: '/prod',
        api: newApiIds(),
        ids: newRequestIds(receivedAt),
        receivedAt,
        binaryMediaTypes: [],
      },
    );
    assert.equal(event.requestContext.accountId, LOCAL_ACCOUNT_ID);
  });

  test('is written in one place: no other source holds a twelve-digit account id', () => {
    const owner = path.join(PROJECT_ROOT, 'local', 'local-account.ts');
    const holders = ['local', 'src', 'infra', 'cli', 'client', 'bench', 'scripts']
      .flatMap((folder) => sources(path.join(PROJECT_ROOT, folder)))
      .filter((file) => file !== owner && /(?<![\d.])\d{12}(?![\d.])/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(PROJECT_ROOT, file));
    assert.deepEqual(holders, []);
    assert.match(LOCAL_ACCOUNT_ID, /^\d{12}$/);
  });
});
