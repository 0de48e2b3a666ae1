// `npm run bench:guard`: what the local IAM check (the guard in front of DynamoDB) adds to one
// DynamoDB call. The same GetItem, alternately straight to the engine and through the guard with
// the synthesized policy of products-get, from one SDK client each (keep-alive), sequentially.
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbGuard } from '#local/dynamodb/dynamodb-guard.ts';
import type { EngineName } from '#local/dynamodb/engine.ts';
import { localAccessKey } from '#local/dynamodb/guarded-dynamodb.ts';
import { loadFunctionPolicies } from '#local/dynamodb/iam/load-policies.ts';
import { startDynamoDb } from '#local/dynamodb/start-dynamodb.ts';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { percentiles } from './percentiles.ts';

const CALLS = Number(process.env.CALLS ?? 2000);
const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };

async function measure(engineName: Exclude<EngineName, 'external'>): Promise<void> {
  const engine = await startDynamoDb({ engine: engineName, dataDir: '.data', inMemory: true });
  const { byFunction } = await loadFunctionPolicies(await loadServices(), account);
  const policy = byFunction.get('products-get');
  if (!policy) throw new Error('no policy for products-get');
  const guard = await startDynamoDbGuard({
    target: () => engine,
    principals: new Map([[localAccessKey('products-get'), policy]]),
    account,
  });
  const client = (endpoint: string) =>
    new DynamoDBClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: localAccessKey('products-get'), secretAccessKey: 'local' },
    });
  const direct = client(engine.endpoint);
  const guarded = client(guard.endpoint);
  try {
    await direct.send(
      new CreateTableCommand({
        TableName: 'products',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await direct.send(
      new PutItemCommand({ TableName: 'products', Item: { id: { S: 'p1' }, name: { S: 'Mug' } } }),
    );
    const get = new GetItemCommand({ TableName: 'products', Key: { id: { S: 'p1' } } });
    const times = { direct: [] as number[], guarded: [] as number[] };
    for (let i = 0; i < CALLS + 200; i++) {
      for (const [name, c] of [
        ['direct', direct],
        ['guarded', guarded],
      ] as const) {
        const started = performance.now();
        await c.send(get);
        // The first 200 of each warm up the JIT and the connections.
        if (i >= 200) times[name].push(performance.now() - started);
      }
    }
    const d = percentiles(times.direct);
    const g = percentiles(times.guarded);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const added = Math.round((mean(times.guarded) - mean(times.direct)) * 100) / 100;
    console.log(
      `${engineName.padEnd(14)} GetItem x${CALLS}: direct p50 ${d.p50} / p95 ${d.p95} / p99 ${d.p99} ms; ` +
        `through the guard p50 ${g.p50} / p95 ${g.p95} / p99 ${g.p99} ms; added per call (mean) ${added} ms`,
    );
  } finally {
    direct.destroy();
    guarded.destroy();
    await guard.close();
    await engine.stop();
  }
}

const engines = (process.argv[2] ?? 'dynalite,dynamodb-local').split(',') as Exclude<
  EngineName,
  'external'
>[];
for (const name of engines) await measure(name);
