// What `startLocalSystem` needs once DynamoDB has been asked to start: the SDK, esbuild, jose,
// the gateway and the Lambda service. They take about half a second to import, so
// start-local-system.ts imports this module only after the engine is on its way, and DynamoDB
// Local's JVM boots meanwhile instead of after them.
export { DynamoDBClient } from '@aws-sdk/client-dynamodb';
export { localAuthorizer } from './auth/authorizer.ts';
export { openLocalUserPool } from './auth/local-user-pool.ts';
export { userPoolPage } from './auth/user-pool-page.ts';
export { BundleCache } from './build/bundle-cache.ts';
export { IncrementalBundles } from './build/incremental-bundles.ts';
export { apiReference, REFERENCE_PREFIX } from './docs/api-reference.ts';
export { awsCredentialsFrom, functionSpecs } from './function-specs.ts';
export { startGateway } from './gateway/start-gateway.ts';
export { startHotReload } from './hot-reload.ts';
export { startLambdaService } from './lambda/start-lambda-service.ts';
export { ensureStackTables } from './stack/ensure-tables.ts';
