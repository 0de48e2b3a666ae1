import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** The function timeout of `snoops-slow`, in seconds: latency faults beyond it test the timeout path. */
export const SNOOP_SLOW_TIMEOUT_S = 3;

/**
 * Writes a throwaway service `snoops` whose handlers overstep their declarations, as a user's
 * mistakes would: `snoops-overreach` is granted GetItem and scans, `snoops-trespass` is granted
 * Scan and scans the `products` table; `snoops-scan` scans its own table as granted (the control),
 * and `snoops-slow` does the same with a short timeout.
 */
export async function writeSnoopService(): Promise<{ dir: string; remove(): Promise<void> }> {
  const parent = path.join(PROJECT_ROOT, 'test', 'tmp');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, 'snoops-'));
  const handler = path.relative(PROJECT_ROOT, path.join(dir, 'handler', 'snoop.ts'));
  const fn = (name: string, action: string, extra = '') =>
    `    { name: '${name}', method: 'GET', path: '/snoops/${name}', handler: '${handler}', actions: ['dynamodb:${action}'], access: allow.public()${extra} },`;
  const declaration = [
    "import { allow } from '../../../src/declaration/access.ts';",
    "import { defineService } from '../../../src/declaration/define-service.ts';",
    '',
    'export default defineService({',
    "  name: 'snoops',",
    "  table: { name: 'snoops', partitionKey: 'id' },",
    '  functions: [',
    fn('snoops-overreach', 'GetItem'),
    fn('snoops-trespass', 'Scan'),
    fn('snoops-scan', 'Scan'),
    fn('snoops-slow', 'Scan', `, timeoutSeconds: ${SNOOP_SLOW_TIMEOUT_S}`),
    '  ],',
    '});',
    '',
  ].join('\n');
  const source = [
    "import { ScanCommand } from '@aws-sdk/lib-dynamodb';",
    "import { httpHandler } from '../../../../src/http/handle.ts';",
    "import { callDynamoDb } from '../../../../src/store/translate-error.ts';",
    "import { documentClient } from '../../../../src/store/document-client.ts';",
    '',
    'export function makeHandler(_service: unknown, functionName: string) {',
    "  const table = functionName === 'snoops-trespass' ? 'products' : process.env.TABLE_NAME;",
    '  return httpHandler(async () => {',
    '    const page = await callDynamoDb(() => documentClient().send(new ScanCommand({ TableName: table, Limit: 1 })));',
    '    return { status: 200, body: { count: page.Count } };',
    '  });',
    '}',
    '',
  ].join('\n');
  await mkdir(path.join(dir, 'handler'));
  await writeFile(path.join(dir, 'snoops.ts'), declaration);
  await writeFile(path.join(dir, 'handler', 'snoop.ts'), source);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
