import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Bundle } from '#src/build/bundle-function.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import { ServicesStack } from './services-stack.ts';
import { readSettings, type StackSettings } from './settings.ts';

export interface BuildAppInput {
  readonly services: readonly LoadedService[];
  readonly bundles: readonly Bundle[];
  /** Context on top of what the CDK CLI passes (cdk.json, `-c`); tests pass cdk.json's here. */
  readonly context?: Record<string, unknown>;
  /** Environment variables settings fall back to. */
  readonly env?: NodeJS.ProcessEnv;
  /** Cloud assembly folder; the CLI sets it, tests choose a temporary one. */
  readonly outdir?: string;
  /**
   * CDK's built-in CloudFormation template validation (on by default, as in `cdk synth`). Its
   * first run costs seconds, so suites that only read template properties may turn it off.
   */
  readonly builtinCloudFormationValidation?: boolean;
}

export interface BuiltApp {
  readonly app: App;
  readonly stack: ServicesStack;
  readonly settings: StackSettings;
}

/**
 * The CDK app: one {@link ServicesStack} named by the settings, checked by cdk-nag's AWS
 * Solutions rules. The CLI entry (`infra/app.ts`) and the tests build the app the same way.
 *
 * @example
 * const { app } = buildApp({ services, bundles, env: process.env });
 * app.synth();
 */
export function buildApp(input: BuildAppInput): BuiltApp {
  const { services, bundles, context, env = {}, outdir, builtinCloudFormationValidation = true } = input;
  const app = new App({
    ...(context ? { context } : {}),
    ...(outdir ? { outdir } : {}),
    builtinCloudFormationValidation,
  });
  const settings = readSettings((key) => app.node.tryGetContext(key), env);
  const stack = new ServicesStack(app, settings.stackName, {
    services,
    bundles,
    settings,
  });
  // cdk-nag v3 is a policy validation plugin: synthesis fails on any unacknowledged finding (error
  // or warning), and acknowledgements are written into the template's metadata as an audit trail.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { app, stack, settings };
}
