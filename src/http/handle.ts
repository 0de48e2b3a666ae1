import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ACCESS_RULE_ENV, decodeAccessRule } from '../declaration/access.ts';
import { HttpError } from '../domain/errors.ts';
import { resetDynamoDbCalls } from '../store/call-counters.ts';
import { setInvocationDeadline } from '../store/invocation-deadline.ts';
import { checkAccess } from './caller.ts';
import { allowedOrigins, corsHeaders } from './cors.ts';
import { instanceLogger } from './logger.ts';
import { metricFields } from './metrics.ts';
import { type HttpRequest, toHttpRequest } from './request.ts';
import { type HttpResponse, problemResult, toProxyResult } from './response.ts';

// The first invocation of an instance Lambda started on demand waited for its init: a cold start.
// (Provisioned concurrency initialises ahead of requests; Powertools' `cold_start` agrees.)
let coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE === 'on-demand';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Wraps one operation into a Lambda proxy handler: builds the request, checks the caller against
 * the function's access rule (`ACCESS_RULE`: groups here, the token itself at the gateway), runs the operation,
 * serialises the response, maps every error to problem+json and writes one structured log line
 * per invocation (no bodies: they may hold personal data) that also carries the invocation's
 * metrics in Embedded Metric Format.
 *
 * @example
 * export const makeHandler = (service: ServiceDeclaration) =>
 *   httpHandler(async (request) => ({ status: 200, body: { hello: request.pathParameters.id } }));
 */
export function httpHandler(operation: (request: HttpRequest) => Promise<HttpResponse>): ProxyHandler {
  const origins = allowedOrigins();
  // Deny by default: a function that does not know its rule fails at init and serves nothing.
  const access = decodeAccessRule(process.env[ACCESS_RULE_ENV]);
  return async (event, context) => {
    const started = performance.now();
    let result: APIGatewayProxyResult;
    let origin: string | undefined;
    // Every step is inside the boundary, reading the event included: whatever throws becomes a
    // problem+json answer, never a rejected invocation (which API Gateway turns into a bare 502).
    try {
      resetDynamoDbCalls();
      const logger = instanceLogger();
      logger.addContext(context);
      logger.setCorrelationId(event.requestContext?.requestId);
      setInvocationDeadline(context.getRemainingTimeInMillis());
      const request = toHttpRequest(event);
      origin = request.header('origin');
      checkAccess(access, request.caller);
      result = toProxyResult(await operation(request));
    } catch (error) {
      result = problemResult(error, event.requestContext?.requestId ?? context.awsRequestId);
      const logger = instanceLogger();
      if (!(error instanceof HttpError) || error.status >= 500) {
        logger.error('request failed', { error: error as Error });
      } else {
        logger.debug('request refused', { code: error.code });
      }
    }
    result.headers = { ...result.headers, ...corsHeaders(origins, origin) };
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    // The line that logs the request also carries its metrics (EMF): no second line, no API call.
    instanceLogger().info('request completed', {
      method: event.httpMethod,
      route: event.resource,
      status: result.statusCode,
      durationMs,
      ...metricFields({ status: result.statusCode, durationMs, coldStart }),
    });
    coldStart = false;
    return result;
  };
}
