// The project's cdk.json, read in one place: `cdk synth` takes the app's context (feature flags,
// settings) from it, and so do `npm start` (the stage's settings), the local IAM check's
// synthesis and the infra tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** The cdk.json the CDK CLI reads. */
export const CDK_JSON = path.join(PROJECT_ROOT, 'cdk.json');

/**
 * The context cdk.json gives the CDK app.
 *
 * @example
 * cdkJsonContext()['@aws-cdk/core:target-partitions']; // ['aws', 'aws-cn']
 */
export function cdkJsonContext(file = CDK_JSON): Record<string, unknown> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
}
