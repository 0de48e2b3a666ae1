import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { type BuildAppInput, type BuiltApp, composeApp } from './compose-app.ts';

export type { BuildAppInput, BuiltApp } from './compose-app.ts';

/**
 * The CDK app: one {@link ServicesStack} named by the settings, checked by cdk-nag's AWS
 * Solutions rules. The CLI entry (`infra/app.ts`) and the tests build the app the same way.
 *
 * @example
 * const { app } = buildApp({ services, bundles, env: process.env });
 * app.synth();
 */
export function buildApp(input: BuildAppInput): BuiltApp {
  const built = composeApp(input);
  // cdk-nag v3 is a policy validation plugin: synthesis fails on any unacknowledged finding (error
  // or warning), and acknowledgements are written into the template's metadata as an audit trail.
  Validations.of(built.app).addPlugins(
    new AwsSolutionsChecks(built.app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return built;
}
