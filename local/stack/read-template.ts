// Reads what the local system runs out of a synthesized CloudFormation template. Pure: the
// template and the rule naming its resources locally go in, plain values come out, so each
// reading is tested on template fragments without synthesizing (see read-template.test.ts).
import type { RouteBinding } from '#local/contracts.ts';
import {
  type LocalAccount,
  resolveIntrinsics,
  type TemplateResources,
} from '#local/dynamodb/guard/iam/resolve-intrinsics.ts';
import { LOG_LEVELS, type LogLevel } from '#src/declaration/function-environment.ts';
import type { GatewayResponseDefinition } from '#src/declaration/gateway-responses.ts';
import { LAMBDA_NODEJS_RUNTIME } from '#src/declaration/lambda-runtime.ts';
import type { LocalStack, StackFunction, StackIndex, StackStage, StackTable } from './local-stack.ts';

/**
 * How the template's resources are named locally: the local system keeps the declared names
 * (function `products-create`, table `products`), where CloudFormation would name them itself.
 */
export interface LocalNames {
  /** Function logical id → declared function name, in the order the functions are declared. */
  readonly functions: ReadonlyMap<string, string>;
  /** Table logical id → the table's local name. */
  readonly tables: ReadonlyMap<string, string>;
  readonly account: LocalAccount;
}

type Props = Record<string, unknown>;

/** Lambda's own defaults, for a function whose template leaves them out. */
const LAMBDA_DEFAULTS = { memoryMb: 128, timeoutSeconds: 3 } as const;

/** Resource types the local system runs, in part or whole; anything else is listed as not run. */
const RUN_LOCALLY = new Set([
  'AWS::DynamoDB::Table',
  'AWS::Lambda::Function',
  'AWS::IAM::Role',
  'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::ApiGateway::Model',
  'AWS::ApiGateway::RequestValidator',
  'AWS::ApiGateway::GatewayResponse',
  'AWS::ApiGateway::Stage',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGateway::Authorizer',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
]);

/** Why a resource type is not run locally, for the banner and docs/fidelity.md. */
const NOT_RUN_REASONS: Readonly<Record<string, string>> = {
  'AWS::Cognito::UserPool': 'the local user pool signs tokens instead',
  'AWS::Cognito::UserPoolClient': 'the local user pool signs tokens instead',
  'AWS::Cognito::UserPoolGroup': 'groups are claims of the local tokens',
  'AWS::WAFv2::WebACL': 'no web ACL locally; the stage throttle still applies',
  'AWS::WAFv2::WebACLAssociation': 'no web ACL locally',
  'AWS::CloudWatch::Alarm': 'no metrics locally',
  'AWS::CloudWatch::CompositeAlarm': 'no metrics locally',
  'AWS::CloudWatch::Dashboard': 'no metrics locally',
  'AWS::SNS::Topic': 'no alarms to notify',
  'AWS::SNS::TopicPolicy': 'no alarms to notify',
  'AWS::KMS::Key': 'nothing encrypted locally',
  'AWS::Logs::QueryDefinition': 'npm run logs reads the kept logs instead',
  'AWS::ApiGateway::Account': 'an account-wide setting',
};

/**
 * Everything the local system takes from `resources` (tables, functions, routes, stage), and what
 * it holds that the local system cannot honour. Fails loudly on a value it cannot read: a stack
 * run differently from its template must never look like the same one.
 *
 * @example
 * const stack = readTemplate(template.Resources, names); // { tables, functions, routes, stage, notHonoured }
 */
export function readTemplate(resources: TemplateResources, names: LocalNames): Omit<LocalStack, 'policies'> {
  const notHonoured: string[] = [];
  const tables = readTables(resources, names, notHonoured);
  const functions = readFunctions(resources, names, notHonoured);
  const routes = readRoutes(resources, names, notHonoured);
  const stage = readStage(resources, notHonoured);
  const others = new Map<string, number>();
  for (const resource of Object.values(resources)) {
    if (resource && !RUN_LOCALLY.has(resource.Type))
      others.set(resource.Type, (others.get(resource.Type) ?? 0) + 1);
  }
  for (const [type, count] of [...others].sort(([a], [b]) => a.localeCompare(b))) {
    const why = NOT_RUN_REASONS[type] ?? 'not emulated';
    notHonoured.push(`${type} (${count}): ${why}`);
  }
  return { tables, functions, routes, stage, notHonoured };
}

function ofType(resources: TemplateResources, type: string): [string, Props][] {
  return Object.entries(resources).flatMap(([id, resource]) =>
    resource?.Type === type ? [[id, resource.Properties ?? {}] as [string, Props]] : [],
  );
}

/** Counts a setting the local system ignores, once per kind however many resources hold it. */
function tally(notes: string[], counts: Map<string, number>, noun: string): void {
  for (const [what, count] of counts) notes.push(`${what} (${count} ${noun}${count === 1 ? '' : 's'})`);
}

function readTables(resources: TemplateResources, names: LocalNames, notes: string[]): StackTable[] {
  const ignored = new Map<string, number>();
  const note = (what: string) => ignored.set(what, (ignored.get(what) ?? 0) + 1);
  const tables = ofType(resources, 'AWS::DynamoDB::Table').map(([id, props]): StackTable => {
    const tableName = names.tables.get(id);
    if (tableName === undefined) throw new Error(`Table ${id} of the template has no local name`);
    const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    const stream = props.StreamSpecification as { StreamViewType?: string } | undefined;
    if (props.BillingMode !== 'PAY_PER_REQUEST') note('provisioned capacity: local engines do not throttle');
    if ((props.PointInTimeRecoverySpecification as Props | undefined)?.PointInTimeRecoveryEnabled)
      note('point-in-time recovery');
    if ((props.SSESpecification as Props | undefined)?.SSEEnabled) note('encryption at rest');
    if (props.DeletionProtectionEnabled) note('deletion protection');
    if (stream) note('streams: kept by DynamoDB Local, read by nothing');
    return {
      tableName,
      keySchema: props.KeySchema as StackTable['keySchema'],
      attributeDefinitions: props.AttributeDefinitions as StackTable['attributeDefinitions'],
      globalSecondaryIndexes: indexes(props.GlobalSecondaryIndexes),
      localSecondaryIndexes: indexes(props.LocalSecondaryIndexes),
      ...(ttl?.Enabled && ttl.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}),
      ...(stream?.StreamViewType ? { streamViewType: stream.StreamViewType } : {}),
    };
  });
  tally(notes, ignored, 'table');
  return tables;
}

function indexes(value: unknown): StackIndex[] {
  return ((value ?? []) as StackIndex[]).map(({ IndexName, KeySchema, Projection }) => ({
    IndexName,
    KeySchema,
    Projection,
  }));
}

function readFunctions(resources: TemplateResources, names: LocalNames, notes: string[]): StackFunction[] {
  const ignored = new Map<string, number>();
  const note = (what: string) => ignored.set(what, (ignored.get(what) ?? 0) + 1);
  const functions = [...names.functions].map(([id, name]): StackFunction => {
    const props = resources[id]?.Properties;
    if (resources[id]?.Type !== 'AWS::Lambda::Function' || !props)
      throw new Error(`Function ${name} (${id}) is not in the template`);
    const variables = ((props.Environment as Props | undefined)?.Variables ?? {}) as Props;
    const environment = resolveIntrinsics(variables, {
      resources,
      tableNames: names.tables,
      functionName: name,
      account: names.account,
    }) as Record<string, string>;
    const logging = (props.LoggingConfig ?? {}) as { LogFormat?: string; ApplicationLogLevel?: string };
    const level = LOG_LEVELS.find((known) => known === logging.ApplicationLogLevel);
    const architectures = (props.Architectures ?? ['x86_64']) as string[];
    if (architectures.some((a) => a !== 'x86_64'))
      note(`the ${architectures.join(', ')} architecture: functions run on this machine's`);
    if ((props.TracingConfig as Props | undefined)?.Mode === 'Active') note('X-Ray active tracing');
    if (props.ReservedConcurrentExecutions !== undefined) note('reserved concurrency');
    if (props.Layers) note('layers');
    if (props.VpcConfig) note('VPC configuration');
    // The local Lambda service runs one Node.js: the major of the runtime the stack is written for.
    if (props.Runtime !== LAMBDA_NODEJS_RUNTIME)
      note(`the ${String(props.Runtime)} runtime: functions run on ${LAMBDA_NODEJS_RUNTIME}'s Node.js`);
    return {
      name,
      memoryMb: Number(props.MemorySize ?? LAMBDA_DEFAULTS.memoryMb),
      timeoutSeconds: Number(props.Timeout ?? LAMBDA_DEFAULTS.timeoutSeconds),
      environment,
      logFormat: logging.LogFormat === 'Text' ? 'Text' : 'JSON',
      ...(level ? { logLevel: level as LogLevel } : {}),
      runtime: String(props.Runtime),
    };
  });
  tally(notes, ignored, 'function');
  return functions;
}

/** The path of an API Gateway resource, from its parents' path parts; the root is `/`. */
function resourcePath(resources: TemplateResources, ref: unknown): string {
  const parts: string[] = [];
  let current = ref as { Ref?: string } | undefined;
  while (current?.Ref) {
    const props = resources[current.Ref]?.Properties;
    if (!props) throw new Error(`API resource ${current.Ref} is not in the template`);
    parts.unshift(String(props.PathPart));
    current = props.ParentId as { Ref?: string } | undefined;
  }
  return `/${parts.join('/')}`;
}

/** The logical id in `Fn::GetAtt [id, 'Arn']` somewhere inside an integration URI. */
function integrationTarget(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(integrationTarget).find((id) => id !== undefined);
  if (typeof value !== 'object' || value === null) return undefined;
  const getAtt = (value as Props)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return String(getAtt[0]);
  return Object.values(value)
    .map(integrationTarget)
    .find((id) => id !== undefined);
}

function readRoutes(resources: TemplateResources, names: LocalNames, notes: string[]): RouteBinding[] {
  const byFunction = new Map<string, RouteBinding[]>();
  for (const [id, props] of ofType(resources, 'AWS::ApiGateway::Method')) {
    const integration = (props.Integration ?? {}) as { Type?: string; Uri?: unknown };
    // CORS preflights are MOCK integrations: the stage answers them from its CORS origins.
    if (integration.Type === 'MOCK' && props.HttpMethod === 'OPTIONS') continue;
    const target = integration.Type === 'AWS_PROXY' ? integrationTarget(integration.Uri) : undefined;
    const functionName = target === undefined ? undefined : names.functions.get(target);
    if (functionName === undefined) {
      notes.push(`method ${id}: only Lambda proxy integrations of the stack's functions are served`);
      continue;
    }
    const authorization = String(props.AuthorizationType ?? 'NONE');
    if (authorization !== 'NONE' && authorization !== 'COGNITO_USER_POOLS')
      throw new Error(`Method ${id}: the local gateway has no ${authorization} authorization`);
    const validator = resources[String((props.RequestValidatorId as { Ref?: string } | undefined)?.Ref)];
    const validatesBody = validator?.Properties?.ValidateRequestBody === true;
    const models = Object.entries((props.RequestModels ?? {}) as Record<string, { Ref?: string }>).map(
      ([mediaType, ref]) => {
        const schema = resources[String(ref.Ref)]?.Properties?.Schema;
        if (!schema) throw new Error(`Method ${id}: its ${mediaType} model is not in the template`);
        return [mediaType, schema as Record<string, unknown>] as const;
      },
    );
    const route: RouteBinding = {
      method: String(props.HttpMethod),
      resource: resourcePath(resources, props.ResourceId),
      functionName,
      authorizationType: authorization as 'NONE' | 'COGNITO_USER_POOLS',
      // API Gateway validates a body against its model only when the method's validator says so.
      ...(validatesBody && models.length > 0 ? { requestModels: Object.fromEntries(models) } : {}),
    };
    byFunction.set(functionName, [...(byFunction.get(functionName) ?? []), route]);
  }
  return [...names.functions.values()].flatMap((name) => byFunction.get(name) ?? []);
}

/** A CloudFormation header value is a quoted literal: `'*'` → `*`. */
const unquote = (value: unknown) => String(value).replace(/^'(.*)'$/s, '$1');

function readStage(resources: TemplateResources, notes: string[]): StackStage {
  const stages = ofType(resources, 'AWS::ApiGateway::Stage');
  const [stage] = stages;
  if (!stage || stages.length > 1) throw new Error('The template must hold exactly one API Gateway stage');
  const [, props] = stage;
  const settings = (props.MethodSettings ?? []) as Props[];
  const all = settings.find((s) => s.HttpMethod === '*' && s.ResourcePath === '/*');
  if (settings.some((s) => s !== all && (s.ThrottlingRateLimit ?? s.ThrottlingBurstLimit) !== undefined))
    notes.push('per-method throttling: the local stage throttles all methods together');
  if (!all || all.ThrottlingRateLimit === undefined || all.ThrottlingBurstLimit === undefined)
    throw new Error('The stage has no throttle for all methods: the local stage needs one');
  return {
    name: String(props.StageName),
    throttle: { rateLimit: Number(all.ThrottlingRateLimit), burstLimit: Number(all.ThrottlingBurstLimit) },
    corsOrigins: readCorsOrigins(resources),
    responses: ofType(resources, 'AWS::ApiGateway::GatewayResponse').map(
      ([, response]): GatewayResponseDefinition => {
        const headers = Object.entries((response.ResponseParameters ?? {}) as Props).flatMap(
          ([name, value]) => {
            const header = /^gatewayresponse\.header\.(.+)$/.exec(name)?.[1];
            return header ? [[header, unquote(value)] as const] : [];
          },
        );
        return {
          type: response.ResponseType as GatewayResponseDefinition['type'],
          ...(response.StatusCode !== undefined ? { statusCode: Number(response.StatusCode) } : {}),
          headers: Object.fromEntries(headers),
          templates: (response.ResponseTemplates ?? {}) as Record<string, string>,
        };
      },
    ),
  };
}

/**
 * The origins of the REST API's CORS preflights (the root resource's OPTIONS method, as CDK writes
 * it): the first is a static header value, any others are compared in the response template.
 */
function readCorsOrigins(resources: TemplateResources): string[] {
  const preflight = ofType(resources, 'AWS::ApiGateway::Method').find(
    ([, props]) =>
      props.HttpMethod === 'OPTIONS' &&
      (props.Integration as Props | undefined)?.Type === 'MOCK' &&
      (props.ResourceId as Props | undefined)?.['Fn::GetAtt'] !== undefined,
  );
  if (!preflight) throw new Error('The REST API has no CORS preflight on its root resource');
  const [response] = ((preflight[1].Integration as Props).IntegrationResponses ?? []) as Props[];
  const first = (response?.ResponseParameters as Props | undefined)?.[
    'method.response.header.Access-Control-Allow-Origin'
  ];
  if (first === undefined) throw new Error('The CORS preflight names no allowed origin');
  const template = Object.values((response?.ResponseTemplates ?? {}) as Record<string, string>).join('\n');
  const others = [...template.matchAll(/\$origin == "([^"]+)"/g)].map((match) => match[1] as string);
  return [unquote(first), ...others];
}
