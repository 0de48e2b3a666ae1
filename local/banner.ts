import { encodeAccessRule } from '#src/declaration/access.ts';
import { type DeployedNode, describeDeployedNode } from './lambda/deployed-runtime.ts';
import type { LocalSystem } from './start-local-system.ts';

/**
 * The start-up banner: where the API is, which DynamoDB, which Node.js runs the functions, where
 * data lives, and every route. `flags` are what the tools need to reach this system (e.g.
 * ` --data-dir D`), carried in every hint.
 */
export function banner(system: LocalSystem, node: DeployedNode, flags = ''): string {
  const { dynamodb, routes, timings, stage } = system;
  const throttle = stage.throttle
    ? `${stage.throttle.rateLimit} requests/s, burst ${stage.throttle.burstLimit} (the deployed stage's; --no-throttle turns it off)`
    : 'off (--no-throttle)';
  const extraOrigins = stage.exposure.allowedOrigins ?? [];
  const origins = extraOrigins.includes('*') ? 'any origin' : ['loopback', ...extraOrigins].join(', ');
  const width = Math.max(...routes.map((r) => `${r.method} ${r.resource}`.length));
  const nameWidth = Math.max(...routes.map((r) => r.functionName.length));
  const rules = new Map(
    system.services.flatMap(({ service }) =>
      service.functions.map((fn) => [fn.name, encodeAccessRule(fn.access)]),
    ),
  );
  // One real route for the invoke hint, a GET if there is one.
  const sample = routes.find((r) => r.method === 'GET') ?? routes[0];
  const lines = [
    '',
    `  Serverless Microservices — local system ready in ${(timings.total / 1000).toFixed(1)} s${system.bundlesFromCache ? ' (bundles kept from the last start)' : system.bundlesDeferred ? " (each function's bundle is built at its first request)" : ''}`,
    '',
    `  API        ${system.url}  (also ${system.url}/${stage.name}, as stage ${stage.name})`,
    `  Throttle   ${throttle}`,
    `  Browsers   ${origins} origins only; CORS as deployed (${stage.corsOrigins.join(', ')})`,
    `  Reference  ${system.referenceUrl}`,
    `  Console    ${system.console ? `${system.console.url}  (this start's secret is in the URL; --no-console turns it off)` : 'off (--no-console)'}`,
    `  DynamoDB   ${dynamodb.engine}: ${dynamodb.detail} at ${dynamodb.endpoint}`,
    ...(dynamodb.reason ? [`  Why        ${dynamodb.reason}`] : []),
    `  Functions  ${describeDeployedNode(node)}`,
    `  Data       ${dynamodb.dataDir ?? (dynamodb.engine === 'external' ? 'held by the external endpoint' : 'in memory (lost on stop)')}`,
    `  Logs       ${system.logsDir ? `${system.logsDir} (npm run logs --${flags} --since 10m)` : 'not kept (in memory)'}`,
    `  Sign-in    local user pool ${system.userPool.poolId}: TOKEN=$(npm run -s token --${flags} --user alice --group admin)`,
    ...(sample
      ? [
          `  Invoke     one function alone: npm run invoke --${flags} ${sample.functionName} --method ${sample.method} --path ${sample.resource.replace(/\{[^}]+\}/g, 'x1')} --user alice --group admin`,
        ]
      : []),
    `  CLI        npm run cli --${flags} products list`,
    `  Stack      tables, functions, routes and stage read from the synthesized CDK app${system.synthesized ? ' (synthesized now)' : ' (kept from an earlier synthesis)'}`,
    '',
    '  Not run locally (the template holds them; docs/fidelity.md says why)',
    ...system.notHonoured.map((line) => `    ${line}`),
    '',
    '  Routes → functions (who may call them)',
    ...routes.map(
      (r) =>
        `    ${`${r.method} ${r.resource}`.padEnd(width)}  →  ${r.functionName.padEnd(nameWidth)}  ${rules.get(r.functionName) ?? ''}`,
    ),
    '',
  ];
  return lines.join('\n');
}
