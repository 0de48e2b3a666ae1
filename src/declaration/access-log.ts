// The stage's access log: one JSON object per request, request metadata only. The stack deploys
// this format and the local gateway writes the same object, so a query reads both alike.

/**
 * Field → API Gateway `$context` variable. API Gateway cannot log bodies here, and the validation
 * error string is left out because it can quote body values.
 */
export const ACCESS_LOG_FORMAT = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.caller',
  user: '$context.identity.user',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  wafStatus: '$context.wafResponseCode',
  xrayTraceId: '$context.xrayTraceId',
} as const;

export type AccessLogVariable = (typeof ACCESS_LOG_FORMAT)[keyof typeof ACCESS_LOG_FORMAT];
