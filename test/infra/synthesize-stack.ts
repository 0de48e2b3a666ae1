import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { buildApp } from '#infra/build-app.ts';
import { cdkJsonContext } from '#infra/cdk-json.ts';
import type { ServicesStack } from '#infra/services-stack.ts';
import type { StackSettings } from '#infra/settings.ts';
import { type Bundle, bundleAll } from '#src/build/bundle-function.ts';
import { type LoadedService, loadServices } from '#src/declaration/load-services.ts';

/** The context `cdk synth` gets from cdk.json (feature flags and all). */
export const CDK_JSON_CONTEXT: Record<string, unknown> = cdkJsonContext();

export interface Bundled {
  readonly services: LoadedService[];
  readonly bundles: Bundle[];
  readonly dir: string;
}

/** Bundles every function of `services` (default: all of services/) into a temporary folder. */
export async function bundleServices(loaded?: readonly LoadedService[]): Promise<Bundled> {
  const services = loaded ? [...loaded] : await loadServices();
  const dir = await mkdtemp(path.join(tmpdir(), 'infra-test-bundles-'));
  return { services, bundles: await bundleAll(services, dir), dir };
}

export interface Synthesized {
  readonly app: App;
  readonly stack: ServicesStack;
  readonly settings: StackSettings;
  readonly template: Template;
  /** The cloud assembly folder (staged assets, validation report). */
  readonly outdir: string;
}

export interface SynthesizeOptions {
  /** Context on top of cdk.json's, as `-c key=value` would give it. */
  readonly context?: Record<string, unknown>;
  /** CDK's built-in template validation; only the suite that checks validation needs it. */
  readonly cloudFormationValidation?: boolean;
}

/** Synthesizes the stack of `bundled` as `cdk synth` would; no environment variable leaks in. */
export async function synthesize(
  bundled: Bundled,
  { context = {}, cloudFormationValidation = false }: SynthesizeOptions = {},
): Promise<Synthesized> {
  const outdir = await mkdtemp(path.join(tmpdir(), 'infra-test-cdk-out-'));
  const { app, stack, settings } = buildApp({
    services: bundled.services,
    bundles: bundled.bundles,
    context: { ...CDK_JSON_CONTEXT, ...context },
    env: {},
    outdir,
    builtinCloudFormationValidation: cloudFormationValidation,
  });
  return { app, stack, settings, template: Template.fromStack(stack), outdir };
}

/** Removes the temporary folders of bundles and cloud assemblies. */
export async function removeAll(...dirs: readonly (string | undefined)[]): Promise<void> {
  await Promise.all(dirs.map((dir) => (dir ? rm(dir, { recursive: true, force: true }) : undefined)));
}

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON the assertions read freely.
export type CfnJson = any;

/** Resources of one CloudFormation type, by logical id. */
export function resourcesOfType(template: Template, type: string): [string, CfnJson][] {
  return Object.entries(template.findResources(type));
}

/** The logical id CloudFormation knows a construct (or the L1 resource inside it) by. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct.node.defaultChild ?? construct;
  if (!CfnElement.isCfnElement(resource))
    throw new Error(`${construct.node.path} is not a CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

/** The synthesized resource of a construct. */
export function resourceOf(template: Template, construct: IConstruct): CfnJson {
  const resource = template.toJSON().Resources[logicalIdOf(construct)];
  if (!resource) throw new Error(`${construct.node.path} is not in the template`);
  return resource;
}

/** `{ "Fn::GetAtt": [id, "Arn"] }`, the ARN of a resource in the same template. */
export const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalIdOf(construct), 'Arn'] });
/** `{ Ref: id }`. */
export const refOf = (construct: IConstruct) => ({ Ref: logicalIdOf(construct) });

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: CfnJson[];
  /** None in this stack: owners are enforced by the handler's key, not `dynamodb:LeadingKeys`. */
  readonly Condition?: CfnJson;
}

/** Every statement of a role's inline policies, with Action and Resource always arrays. */
export function inlineStatements(role: CfnJson): Statement[] {
  const policies: CfnJson[] = role.Properties.Policies ?? [];
  return policies.flatMap((policy) =>
    (policy.PolicyDocument.Statement as CfnJson[]).map((statement) => ({
      ...statement,
      Action: [statement.Action].flat(),
      Resource: [statement.Resource].flat(),
    })),
  );
}

/** Logical id of every API resource → its full path, e.g. `/products/{id}`. */
function resourcePaths(template: Template): Map<string, string> {
  const resources = new Map(resourcesOfType(template, 'AWS::ApiGateway::Resource'));
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known !== undefined) return known;
    const resource: CfnJson = resources.get(id);
    const parent: CfnJson = resource.Properties.ParentId;
    const parentPath = parent.Ref ? pathOf(parent.Ref) : '';
    const full = `${parentPath}/${resource.Properties.PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const id of resources.keys()) pathOf(id);
  return paths;
}

/** Methods as `METHOD /path` → synthesized method. */
export function methodsByRoute(template: Template): Map<string, CfnJson> {
  const paths = resourcePaths(template);
  return new Map(
    resourcesOfType(template, 'AWS::ApiGateway::Method').map(([, method]) => {
      const resourceId = method.Properties.ResourceId.Ref;
      const path = resourceId ? paths.get(resourceId) : '/';
      return [`${method.Properties.HttpMethod} ${path}`, method];
    }),
  );
}

/**
 * Bundles the shipped services and synthesizes their stack once for the calling test file:
 * before its first test, removed after its last. Read the results through the getters.
 */
export function synthesizeForFile(options: SynthesizeOptions = {}): {
  readonly bundled: Bundled;
  readonly synth: Synthesized;
} {
  let bundled: Bundled | undefined;
  let synth: Synthesized | undefined;
  before(async () => {
    bundled = await bundleServices();
    synth = await synthesize(bundled, options);
  });
  after(() => removeAll(bundled?.dir, synth?.outdir));
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the stack is synthesized in before(): read it inside a test');
    return value;
  };
  return {
    get bundled() {
      return ready(bundled);
    },
    get synth() {
      return ready(synth);
    },
  };
}
