import { App } from 'aws-cdk-lib';
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
  /**
   * The app is synthesized only to read its template (the local system): no construct stack traces
   * in the metadata, no tree.json, no version reporting, assets referenced where they are instead of
   * staged, no validation report printed. The resources come out the same; only the cloud
   * assembly's extras differ.
   */
  readonly forReading?: boolean;
}

/** Context the CDK reads for what `forReading` leaves out (aws-cdk-lib's cx-api names). */
const READING_CONTEXT = {
  'aws:cdk:disable-stack-trace': true,
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-asset-staging': true,
  // The stack's annotations stay in the assembly, unprinted: they speak of the deployed stack
  // (its alarms at a WARN log level), which `cdk synth` and deploys report, and the report's copy
  // would name a scratch folder the local system removes.
  '@aws-cdk/core:annotationsInValidationReport': false,
} as const;

export interface BuiltApp {
  readonly app: App;
  readonly stack: ServicesStack;
  readonly settings: StackSettings;
}

/**
 * The CDK app's constructs, before any check is attached: one {@link ServicesStack} named by the
 * settings. `buildApp` (build-app.ts) adds cdk-nag's checks to it for `cdk synth`, deploys and the
 * infra suite; the local system synthesizes it as is, since the checks gate a synthesis but change
 * nothing it reads from the template (and cost about a second on a fresh start).
 *
 * @example
 * const { app, stack } = composeApp({ services, bundles, builtinCloudFormationValidation: false });
 * app.synth().getStackArtifact(stack.artifactId).template;
 */
export function composeApp(input: BuildAppInput): BuiltApp {
  const {
    services,
    bundles,
    context,
    env = {},
    outdir,
    builtinCloudFormationValidation = true,
    forReading = false,
  } = input;
  const app = new App({
    ...(context || forReading ? { context: { ...context, ...(forReading ? READING_CONTEXT : {}) } } : {}),
    ...(outdir ? { outdir } : {}),
    builtinCloudFormationValidation,
    ...(forReading ? { stackTraces: false, treeMetadata: false, analyticsReporting: false } : {}),
  });
  const settings = readSettings((key) => app.node.tryGetContext(key), env);
  const stack = new ServicesStack(app, settings.stackName, {
    services,
    bundles,
    settings,
  });
  return { app, stack, settings };
}
