// `npm run bench:cold`: bundle bytes and cold start (module import + first invocation, each in a
// fresh Node process) of every function bundle, against a bundle holding only the AWS SDK and one
// GetItem, the yardstick of the performance budget (≤ 1.15× in time and bytes). Loopback only.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';

const run = promisify(execFile);

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { ensureTables } from '#local/dynamodb/create-tables.ts';
import { startDynamoDb } from '#local/dynamodb/start-dynamodb.ts';
import { BUNDLE_TARGET, bundleAll } from '#src/build/bundle-function.ts';
import { loadServices, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { percentiles } from './percentiles.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Math.min(Number(values.runs), 50);

/** A handler with nothing but the SDK and one GetItem: what the budget compares against. */
const SDK_ONLY = `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async (event) => {
  const out = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: event.pathParameters.id } } }));
  return { statusCode: out.Item ? 200 : 404, body: JSON.stringify(out.Item ?? {}) };
};`;

/** Runs in the child: imports the bundle, invokes it once, prints both durations. */
const PROBE = `
const file = process.argv[1];
const t0 = performance.now();
const { handler } = await import(file);
const t1 = performance.now();
const event = { httpMethod: 'GET', resource: '/products/{id}', path: '/products/x', headers: {},
  pathParameters: { id: 'bench-missing' }, queryStringParameters: null, body: null,
  requestContext: { requestId: 'bench', path: '/products/x' } };
const context = { awsRequestId: 'bench', functionName: 'bench', functionVersion: '$LATEST',
  memoryLimitInMB: '256', invokedFunctionArn: 'arn', getRemainingTimeInMillis: () => 3000 };
const result = await handler(event, context);
const t2 = performance.now();
process.stderr.write('PROBE ' + JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, status: result.statusCode }) + '\\n');
process.exit(0);`;

const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-cold-'));
const dynamodb = await startDynamoDb({ engine: 'dynalite', dataDir: dir, inMemory: true });
try {
  const services = await loadServices();
  const admin = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamodb.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  await ensureTables(
    admin,
    services.map((s) => s.service),
  );
  admin.destroy();
  const bundles = await bundleAll(services, path.join(dir, 'functions'));
  const baselineFile = path.join(dir, 'sdk-only', 'index.mjs');
  await build({
    stdin: { contents: SDK_ONLY, resolveDir: PROJECT_ROOT, loader: 'js' },
    outfile: baselineFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    minify: true,
    legalComments: 'none',
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  });
  const candidates = [
    { name: 'sdk-only GetItem', file: baselineFile, table: 'products' },
    ...bundles
      .filter((b) => ['products-get', 'products-create', 'dynamodb-manager'].includes(b.functionName))
      .map((b) => ({
        name: b.functionName,
        file: b.file,
        table: b.functionName.startsWith('products') ? 'products' : 'lambda-apigateway',
      })),
  ];
  const probe = async (name: string, file: string, table: string) => {
    // Asynchronous: dynalite runs in this process and must keep answering.
    const child = await run(process.execPath, ['--input-type=module', '-e', PROBE, file], {
      timeout: 30_000,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        TABLE_NAME: table,
        POWERTOOLS_SERVICE_NAME: 'products',
        LOG_LEVEL: 'INFO',
        AWS_LAMBDA_FUNCTION_NAME: name,
      },
    });
    const line = /PROBE (.+)/.exec(child.stderr);
    if (!line?.[1]) throw new Error(`${name}: ${child.stderr}`);
    return JSON.parse(line[1]) as { importMs: number; firstMs: number };
  };
  const samples = new Map(
    candidates.map(({ name }) => [name, { totals: [] as number[], imports: [] as number[] }]),
  );
  // One discarded round warms the disk cache and dynalite; then the bundles take turns, so that
  // load from other work on the machine spreads over all of them alike.
  for (let i = -1; i < RUNS; i++) {
    for (const { name, file, table } of candidates) {
      const { importMs, firstMs } = await probe(name, file, table);
      if (i < 0) continue;
      samples.get(name)?.imports.push(importMs);
      samples.get(name)?.totals.push(importMs + firstMs);
    }
  }
  const rows: Record<string, unknown>[] = [];
  let baseline = 0;
  let baselineBytes = 0;
  for (const { name, file } of candidates) {
    const { totals = [], imports = [] } = samples.get(name) ?? {};
    const bytes = (await stat(file)).size;
    const total = percentiles(totals).p50;
    if (name === 'sdk-only GetItem') {
      baseline = total;
      baselineBytes = bytes;
    }
    rows.push({
      bundle: name,
      KB: Math.round(bytes / 1024),
      'bytes ×': (bytes / baselineBytes).toFixed(2),
      'import p50 ms': Math.round(percentiles(imports).p50),
      'import+first p50 ms': Math.round(total),
      'time ×': (total / baseline).toFixed(2),
    });
  }
  console.table(rows);
  console.log(`${RUNS} fresh processes per bundle, Node ${process.version}, DynamoDB: dynalite on 127.0.0.1`);
} finally {
  await dynamodb.stop();
  await rm(dir, { recursive: true, force: true });
}
