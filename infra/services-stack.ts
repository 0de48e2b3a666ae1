import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { Bundle } from '#src/build/bundle-function.ts';
import { needsToken } from '#src/declaration/access.ts';
import { type LoadedService, withAccessSettings } from '#src/declaration/load-services.ts';
import { addRoute } from './api-routes.ts';
import { createIdempotencyTable } from './idempotency-table.ts';
import { deployedFunctionName, tableOutputName } from './logical-names.ts';
import { acknowledgeFindings, type PublicMethod } from './nag-acknowledgements.ts';
import { Observability } from './observability/observability.ts';
import { ServicesRestApi } from './rest-api.ts';
import { ServiceFunction } from './service-function.ts';
import { createServiceTable } from './service-table.ts';
import type { StackSettings } from './settings.ts';
import { ServicesUserPool } from './user-pool.ts';

export interface ServicesStackProps extends StackProps {
  /** The declarations, as `loadServices()` returns them; the stack applies the settings' access switches. */
  readonly services: readonly LoadedService[];
  /** One bundle per declared function, as `bundleAll()` returns them. */
  readonly bundles: readonly Bundle[];
  readonly settings: StackSettings;
}

/**
 * The whole cloud system, derived from the declarations: per service a table, per function a
 * log group, a role and a Lambda function, one REST API routing to them, and a Cognito user pool
 * whose authorizer guards every route that is not public. Environment-agnostic, so it
 * synthesizes without AWS credentials.
 *
 * @example
 * const services = await loadServices();
 * const bundles = await bundleAll(services, outDir);
 * new ServicesStack(app, 'ServerlessMicroservices', { services, bundles, settings: DEFAULT_SETTINGS });
 */
export class ServicesStack extends Stack {
  readonly restApi: ServicesRestApi;
  /** The user pool (created or existing), its app client, groups and the API's authorizer. */
  readonly userPool: ServicesUserPool;
  /** Tables by service name. */
  readonly tables = new Map<string, Table>();
  /** The persistence table of idempotent creates, when a function declares `idempotency`. */
  readonly idempotencyTable: Table | undefined;
  /** Deployed functions by declared function name. */
  readonly functions = new Map<string, ServiceFunction>();
  /** Alarms, their topic, the dashboard and the saved log queries. */
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: ServicesStackProps) {
    const { services, bundles, settings, ...stackProps } = props;
    super(scope, id, {
      description: 'Serverless Microservices: API Gateway, one Lambda function per route, DynamoDB',
      ...stackProps,
    });
    const removalPolicy = settings.ephemeral ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.restApi = new ServicesRestApi(this, 'Rest', { settings, removalPolicy });
    this.userPool = new ServicesUserPool(this, 'Auth', {
      services: services.map(({ service }) => service),
      settings,
      removalPolicy,
    });
    const declaredAccess = new Map(
      services.flatMap(({ service }) => service.functions.map((fn) => [fn.name, fn.access] as const)),
    );
    const publicMethods: PublicMethod[] = [];
    const bundleByFunction = new Map(bundles.map((bundle) => [bundle.functionName, bundle]));
    // Services live under their own scope so a service name never collides with the stack's other constructs.
    const servicesScope = new Construct(this, 'Services');
    const idempotent = services.some(({ service }) => service.functions.some((fn) => fn.idempotency));
    this.idempotencyTable = idempotent
      ? createIdempotencyTable(this, 'IdempotencyRecords', {
          removalPolicy,
          deletionProtection: !settings.ephemeral,
        })
      : undefined;

    // The rules in force: `openTutorial` may have opened a rule declared `publicWhen('openTutorial')`.
    for (const { service } of withAccessSettings(services, settings)) {
      const serviceScope = new Construct(servicesScope, service.name);
      const table = createServiceTable(serviceScope, 'Table', service, {
        removalPolicy,
        deletionProtection: !settings.ephemeral,
      });
      this.tables.set(service.name, table);
      for (const fn of service.functions) {
        const bundle = bundleByFunction.get(fn.name);
        if (!bundle)
          throw new Error(`No bundle for function ${fn.name}: bundle every declared function first`);
        const deployed = new ServiceFunction(serviceScope, fn.name, {
          service,
          fn,
          table,
          ...(this.idempotencyTable ? { idempotencyTable: this.idempotencyTable } : {}),
          bundle,
          functionName: deployedFunctionName(this.stackName, fn.name),
          logLevel: settings.logLevel,
          corsOrigins: settings.corsOrigins,
          logRetention: settings.logRetentionDays,
          removalPolicy,
        });
        this.functions.set(fn.name, deployed);
        const method = addRoute(this.restApi.api, this.restApi.bodyValidator, fn, deployed.function, () =>
          this.userPool.authorizer(this.restApi.api),
        );
        if (!needsToken(fn.access)) {
          publicMethods.push({
            method,
            functionName: fn.name,
            declared: declaredAccess.get(fn.name) ?? fn.access,
          });
        }
      }
      new CfnOutput(this, tableOutputName(service.name), {
        description: `DynamoDB table of service ${service.name} (declared as ${service.table.name})`,
        value: table.tableName,
      });
    }
    this.observability = new Observability(this, 'Observability', {
      services: services.map(({ service }) => service),
      functions: this.functions,
      tables: this.tables,
      restApi: this.restApi,
      settings,
      removalPolicy,
    });
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API, stage included, e.g. <ApiUrl>products',
      value: this.restApi.api.url,
    });
    new CfnOutput(this, 'UserPoolId', {
      description:
        'Cognito user pool whose ID tokens the API accepts (aws cognito-idp admin-create-user --user-pool-id)',
      value: this.userPool.userPoolId,
    });
    new CfnOutput(this, 'UserPoolClientId', {
      description: 'App client to sign in with (aws cognito-idp initiate-auth --client-id)',
      value: this.userPool.userPoolClientId,
    });
    new CfnOutput(this, 'UserPoolIssuerUrl', {
      description: 'Issuer (iss) of the tokens; its /.well-known/jwks.json holds the signing keys',
      value: this.userPool.issuer,
    });
    acknowledgeFindings({
      functions: this.functions.values(),
      restApi: this.restApi,
      userPool: this.userPool,
      publicMethods,
    });
  }
}
