import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  EndpointType,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ACCESS_LOG_FORMAT } from '#src/declaration/access-log.ts';
import { CORS } from '#src/declaration/api-settings.ts';
import { gatewayResponses } from '#src/declaration/gateway-responses.ts';
import { ApiGatewayAccount } from './api-gateway-account.ts';
import type { StackSettings } from './settings.ts';
import { StageWebAcl } from './web-acl.ts';

/** The access log's fields: `src/declaration/access-log.ts`, which the local gateway writes too. */
export const ACCESS_LOG_FIELDS = ACCESS_LOG_FORMAT;

export interface ServicesRestApiProps {
  readonly settings: StackSettings;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The REST API and its one stage: regional endpoint, JSON access logs, INFO execution logs
 * without bodies, metrics, X-Ray, throttling, CORS, problem+json validation errors, and (unless
 * switched off for a dev stack) an AWS WAF web ACL. Routes are added by `addRoute`.
 */
export class ServicesRestApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  /** Validates bodies against their models (and any required parameters) before Lambda runs. */
  readonly bodyValidator: RequestValidator;
  readonly account?: ApiGatewayAccount;
  readonly webAcl?: StageWebAcl;

  constructor(scope: Construct, id: string, { settings, removalPolicy }: ServicesRestApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: settings.logRetentionDays,
      removalPolicy,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: settings.stackName,
      description: `Microservices of ${settings.stackName}, one Lambda function per route`,
      endpointTypes: [EndpointType.REGIONAL],
      // The account-level logging role is built by ApiGatewayAccount with an inline policy.
      cloudWatchRole: false,
      deployOptions: {
        stageName: settings.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        loggingLevel: MethodLoggingLevel.INFO,
        // Full request/response logging would copy bodies (personal data) into the execution logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: settings.throttlingRateLimit,
        throttlingBurstLimit: settings.throttlingBurstLimit,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [...settings.corsOrigins],
        allowMethods: [...CORS.allowMethods],
        allowHeaders: [...CORS.allowHeaders],
        exposeHeaders: [...CORS.exposeHeaders],
        maxAge: Duration.seconds(CORS.maxAgeSeconds),
        statusCode: CORS.preflightStatus,
      },
    });
    // RestApi adds an `Endpoint` output with a hashed name; the stack outputs a stable `ApiUrl` instead.
    this.api.node.tryRemoveChild('Endpoint');
    this.bodyValidator = this.api.addRequestValidator('BodyValidator', {
      requestValidatorName: 'body-and-parameters',
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.addErrorResponses(settings.corsOrigins);

    if (settings.apiGatewayCloudWatchRole) {
      this.account = new ApiGatewayAccount(this, 'Account');
      // A stage with logging fails to deploy until the region has a CloudWatch role.
      this.api.deploymentStage.node.addDependency(this.account.account);
    }
    if (settings.waf) {
      this.webAcl = new StageWebAcl(this, 'WebAcl', {
        stage: this.api.deploymentStage,
        metricPrefix: settings.stackName,
        settings,
      });
    }
  }

  private addErrorResponses(corsOrigins: readonly string[]): void {
    for (const definition of gatewayResponses(corsOrigins)) {
      this.api.addGatewayResponse(pascalCase(definition.type), {
        type: ResponseType.of(definition.type),
        ...(definition.statusCode ? { statusCode: String(definition.statusCode) } : {}),
        // CloudFormation wants header values as quoted literals.
        responseHeaders: Object.fromEntries(
          Object.entries(definition.headers).map(([name, value]) => [name, `'${value}'`]),
        ),
        templates: { ...definition.templates },
      });
    }
  }
}

// `DEFAULT_4XX` → `Default4xx`: the construct ids the stack has always used.
const pascalCase = (type: string) =>
  type
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
