import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  Cors,
  EndpointType,
  LogGroupLogDestination,
  MethodLoggingLevel,
  type RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ApiGatewayAccount } from './api-gateway-account.ts';
import type { StackSettings } from './settings.ts';
import { StageWebAcl } from './web-acl.ts';

/**
 * One JSON object per request in the access log. Request metadata only: API Gateway cannot log
 * bodies here, and the validation error string is left out because it can quote body values.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: AccessLogField.contextRequestId(),
  extendedRequestId: AccessLogField.contextExtendedRequestId(),
  ip: AccessLogField.contextIdentitySourceIp(),
  caller: AccessLogField.contextIdentityCaller(),
  user: AccessLogField.contextIdentityUser(),
  userAgent: AccessLogField.contextIdentityUserAgent(),
  requestTime: AccessLogField.contextRequestTime(),
  requestTimeEpoch: AccessLogField.contextRequestTimeEpoch(),
  httpMethod: AccessLogField.contextHttpMethod(),
  resourcePath: AccessLogField.contextResourcePath(),
  path: AccessLogField.contextPath(),
  protocol: AccessLogField.contextProtocol(),
  status: AccessLogField.contextStatus(),
  responseLength: AccessLogField.contextResponseLength(),
  responseLatency: AccessLogField.contextResponseLatency(),
  integrationLatency: AccessLogField.contextIntegrationLatency(),
  integrationStatus: AccessLogField.contextIntegrationStatus(),
  integrationError: AccessLogField.contextIntegrationErrorMessage(),
  errorType: AccessLogField.contextErrorResponseType(),
  errorMessage: AccessLogField.contextErrorMessage(),
  wafStatus: AccessLogField.contextWafResponseCode(),
  xrayTraceId: AccessLogField.contextXrayTraceId(),
} as const;

/** Request headers a browser may send: CDK's defaults plus the conditional-request headers of the contract. */
export const CORS_ALLOW_HEADERS = [...Cors.DEFAULT_HEADERS, 'If-Match', 'If-None-Match'] as const;
/** Response headers a browser script may read. */
export const CORS_EXPOSE_HEADERS = ['ETag', 'Location', 'Retry-After'] as const;

/**
 * The body API Gateway answers with when a request body fails its model, in the project's
 * `application/problem+json` shape (RFC 9457). Gateway response templates are plain variable
 * substitution, not VTL.
 */
export const BAD_REQUEST_BODY_TEMPLATE =
  '{"type":"about:blank","title":"Bad Request","status":400,"detail":"$context.error.validationErrorString"}';
/** API Gateway's own default error body, kept for the other errors it answers itself. */
const DEFAULT_ERROR_TEMPLATE = '{"message":$context.error.messageString}';

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
        allowMethods: Cors.ALL_METHODS,
        allowHeaders: [...CORS_ALLOW_HEADERS],
        exposeHeaders: [...CORS_EXPOSE_HEADERS],
        maxAge: Duration.hours(1),
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
      });
    }
  }

  private addErrorResponses(corsOrigins: readonly string[]): void {
    // Errors API Gateway answers itself carry CORS too, so a browser can read them; with several
    // allowed origins no single static value fits, and the browser sees an opaque error instead.
    const origin: Record<string, string> =
      corsOrigins.length === 1 ? { 'Access-Control-Allow-Origin': `'${corsOrigins[0]}'` } : {};
    this.api.addGatewayResponse('BadRequestBody', {
      type: ResponseType.BAD_REQUEST_BODY,
      statusCode: '400',
      responseHeaders: { 'Content-Type': "'application/problem+json'", ...origin },
      // API Gateway picks the template by the request's Accept header, application/json by default.
      templates: {
        'application/json': BAD_REQUEST_BODY_TEMPLATE,
        'application/problem+json': BAD_REQUEST_BODY_TEMPLATE,
      },
    });
    if (corsOrigins.length !== 1) return;
    for (const [id, type] of [
      ['Default4xx', ResponseType.DEFAULT_4XX],
      ['Default5xx', ResponseType.DEFAULT_5XX],
    ] as const) {
      this.api.addGatewayResponse(id, {
        type,
        responseHeaders: origin,
        templates: { 'application/json': DEFAULT_ERROR_TEMPLATE },
      });
    }
  }
}
