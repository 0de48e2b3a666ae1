// The "raw engine" baseline of every scenario: the same DynamoDB call a handler makes, through
// the AWS SDK's document client, behind the barest HTTP server Node has — no gateway, no Lambda,
// no validation, no logging. Runs in a process of its own; prints its URL, then serves
//   GET /<table>/<id> → GetItem   POST /<table> → PutItem (new id)   GET /<table> → Scan, Limit 20
//   GET /<table>?index=<I>&<hash>=<v>&<range>.lte=<n> → Query of index I (hash =, range <=), Limit 20
// Started by bench/throughput.ts with the engine's endpoint as its argument.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_REGION } from '#local/local-account.ts';

const [endpoint] = process.argv.slice(2);
const client = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'LOCALBENCH', secretAccessKey: 'local' },
  }),
);

/** The Query a filtered list makes: the hash key equal to a value, the range key at most a number. */
async function query(TableName: string, search: URLSearchParams): Promise<unknown> {
  const IndexName = search.get('index') ?? '';
  const [hash, range] = [...search.keys()].filter((key) => key !== 'index');
  const rangeName = range?.replace(/\.lte$/, '') ?? '';
  return (
    await client.send(
      new QueryCommand({
        TableName,
        IndexName,
        KeyConditionExpression: '#h = :h AND #r <= :r',
        ExpressionAttributeNames: { '#h': hash ?? '', '#r': rangeName },
        ExpressionAttributeValues: { ':h': search.get(hash ?? ''), ':r': Number(search.get(range ?? '')) },
        Limit: 20,
      }),
    )
  ).Items;
}

async function answer(method: string, url: string): Promise<unknown> {
  const { pathname, searchParams } = new URL(url, 'http://raw');
  const [, TableName = '', id] = pathname.split('/');
  if (method === 'GET' && searchParams.has('index')) return query(TableName, searchParams);
  if (method === 'GET' && id) {
    return (await client.send(new GetCommand({ TableName, Key: { id }, ConsistentRead: true }))).Item;
  }
  if (method === 'POST') {
    const now = new Date().toISOString();
    const Item = { id: randomUUID(), name: 'bench', price: 1, version: 1, createdAt: now, updatedAt: now };
    // Conditional, as the create handler's PutItem is.
    await client.send(
      new PutCommand({
        TableName,
        Item,
        ConditionExpression: 'attribute_not_exists(#id)',
        ExpressionAttributeNames: { '#id': 'id' },
      }),
    );
    return Item;
  }
  if (method === 'GET') {
    return (await client.send(new ScanCommand({ TableName, Limit: 20 }))).Items;
  }
  return undefined;
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    answer(req.method ?? 'GET', req.url ?? '/').then(
      (value) => {
        res.writeHead(value === undefined ? 404 : 200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value ?? null));
      },
      (error: Error) => {
        res.writeHead(500).end(error.name);
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => process.exit(0));
