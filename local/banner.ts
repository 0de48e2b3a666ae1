import type { LocalSystem } from './start-local-system.ts';

/** The start-up banner: where the API is, which DynamoDB, where data lives, and every route. */
export function banner(system: LocalSystem): string {
  const { dynamodb, routes, timings } = system;
  const width = Math.max(...routes.map((r) => `${r.method} ${r.resource}`.length));
  const lines = [
    '',
    `  Serverless Microservices — local system ready in ${(timings.total / 1000).toFixed(1)} s`,
    '',
    `  API        ${system.url}`,
    `  DynamoDB   ${dynamodb.engine}: ${dynamodb.detail} at ${dynamodb.endpoint}`,
    ...(dynamodb.reason ? [`  Why        ${dynamodb.reason}`] : []),
    `  Data       ${dynamodb.dataDir ?? (dynamodb.engine === 'external' ? 'held by the external endpoint' : 'in memory (lost on stop)')}`,
    '',
    '  Routes → functions',
    ...routes.map((r) => `    ${`${r.method} ${r.resource}`.padEnd(width)}  →  ${r.functionName}`),
    '',
  ];
  return lines.join('\n');
}
