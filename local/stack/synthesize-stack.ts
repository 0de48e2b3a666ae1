// Synthesizes the CDK app in this process and reads from its template everything the local system
// runs. Imported lazily: aws-cdk-lib (and a synthesis, seconds long) is only paid for when the
// cached reading is stale (see load-stack.ts).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { cdkJsonContext } from '#infra/cdk-json.ts';
import { composeApp } from '#infra/compose-app.ts';
import type { ServicesStack } from '#infra/services-stack.ts';
import type { FunctionPolicy, PolicyStatement } from '#local/dynamodb/guard/iam/policy-types.ts';
import {
  type LocalAccount,
  resolveIntrinsics,
  type TemplateResources,
} from '#local/dynamodb/guard/iam/resolve-intrinsics.ts';
import type { Bundle } from '#src/build/bundle-function.ts';
import { LOCAL_IDEMPOTENCY_TABLE } from '#src/declaration/idempotency.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { LocalStack } from './local-stack.ts';
import { type LocalNames, readTemplate } from './read-template.ts';

export interface SynthesisInput {
  readonly account: LocalAccount;
  /**
   * CDK context on top of cdk.json's, as `-c key=value` would give it: the stage's settings and
   * the log level the local system runs with.
   */
  readonly context?: Readonly<Record<string, unknown>>;
}

/**
 * The stack `cdk synth` writes for `services` (cdk.json's context, then `input.context`), as the
 * local system runs it.
 *
 * @example
 * const stack = await synthesizeStack(await loadServices(), { account: { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID } });
 */
export async function synthesizeStack(
  services: readonly LoadedService[],
  input: SynthesisInput,
): Promise<LocalStack> {
  return synthesizeTemplate(services, input, ({ resources, names, stack }) => ({
    ...readTemplate(resources, names),
    policies: policiesOf(stack, resources, names),
  }));
}

/** A synthesized template's resources, with the rule naming them locally. */
export interface SynthesizedTemplate {
  readonly resources: TemplateResources;
  readonly names: LocalNames;
  readonly stack: ServicesStack;
}

/**
 * Synthesizes the app and hands its template to `read` (the synthesis' scratch folder is removed
 * after). Tests read a changed template through it, as the local system reads the real one.
 *
 * @example
 * const routes = await synthesizeTemplate(services, input, ({ resources, names }) => readTemplate(resources, names).routes);
 */
export async function synthesizeTemplate<T>(
  services: readonly LoadedService[],
  input: SynthesisInput,
  read: (synthesized: SynthesizedTemplate) => T,
): Promise<T> {
  // What is read here does not depend on the code: every function's asset is one empty folder.
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sm-stack-synth-'));
  const emptyAsset = path.join(scratch, 'asset');
  try {
    await mkdir(emptyAsset);
    const bundles: Bundle[] = services.flatMap(({ service }) =>
      service.functions.map((fn) => ({ functionName: fn.name, dir: emptyAsset, file: '', bytes: 0 })),
    );
    const context = cdkJsonContext();
    const { app, stack } = composeApp({
      services,
      bundles,
      context: { ...context, ...input.context },
      env: {},
      outdir: path.join(scratch, 'cdk.out'),
      builtinCloudFormationValidation: false,
      forReading: true,
    });
    const template = app.synth().getStackArtifact(stack.artifactId).template as {
      Resources: TemplateResources;
    };
    return read({ resources: template.Resources, names: localNames(stack, services, input.account), stack });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The rule naming the template's resources locally: a function keeps its declared name (the
 * stack names it `<stackName>-<name>`), a service's table its declared table name, the
 * idempotency table {@link LOCAL_IDEMPOTENCY_TABLE}. Log groups follow the function names.
 */
export function localNames(
  stack: ServicesStack,
  services: readonly LoadedService[],
  account: LocalAccount,
): LocalNames {
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId(construct.node.defaultChild as CfnElement);
  const functions = new Map([...stack.functions].map(([name, deployed]) => [idOf(deployed.function), name]));
  const tables = new Map<string, string>();
  for (const { service } of services) {
    const table = stack.tables.get(service.name);
    if (table) tables.set(idOf(table), service.table.name);
  }
  if (stack.idempotencyTable) tables.set(idOf(stack.idempotencyTable), LOCAL_IDEMPOTENCY_TABLE);
  return { functions, tables, account };
}

/** Each function role's inline policies, with CloudFormation's intrinsic functions resolved to local ARNs. */
function policiesOf(
  stack: ServicesStack,
  resources: TemplateResources,
  names: LocalNames,
): Record<string, FunctionPolicy> {
  const policies: Record<string, FunctionPolicy> = {};
  for (const [name, deployed] of stack.functions) {
    const roleId = stack.getLogicalId(deployed.role.node.defaultChild as CfnElement);
    const documents = (resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: unknown[] };
    }[];
    const statements = documents.flatMap((p) =>
      p.PolicyDocument.Statement.map(
        (s) =>
          resolveIntrinsics(s, {
            resources,
            tableNames: names.tables,
            functionName: name,
            account: names.account,
          }) as PolicyStatement,
      ),
    );
    policies[name] = { functionName: name, roleName: roleId, statements };
  }
  return policies;
}
