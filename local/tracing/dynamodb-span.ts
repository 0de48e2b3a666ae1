// A DynamoDB call as a span: OpenTelemetry's DynamoDB and AWS SDK conventions, plus what only the
// local guard knows (the IAM decision and the statement behind it, an injected fault, a retry).
import type { DynamoDbCallRecord } from '#local/contracts.ts';
import type { AttributeValue, Span } from './trace-model.ts';

/** The declaration change that would grant `missing` to `functionName`, ready to paste; or undefined. */
export type GrantSuggester = (
  functionName: string,
  missing: { readonly action: string; readonly resource: string },
) => string | undefined;

/** The span of one DynamoDB call, under the invocation that made it. */
export function dynamoDbSpan(
  call: DynamoDbCallRecord,
  parentSpanId: string,
  spanId: string,
  grantFor: GrantSuggester | undefined,
): Span {
  const operation = call.operation ?? 'unknown';
  const attributes: Record<string, AttributeValue> = {
    'db.system': 'dynamodb',
    'db.system.name': 'aws.dynamodb',
    'db.operation.name': operation,
    'rpc.system': 'aws-api',
    'rpc.service': 'DynamoDB',
    'rpc.method': operation,
    'aws.dynamodb.table_names': [...call.tables],
    'http.response.status_code': call.statusCode,
    ...requestDetails(call.body),
  };
  if (call.functionName) attributes['faas.name'] = call.functionName;
  if (call.attempt > 1) attributes['local.retry'] = call.attempt - 1;
  if (call.fault) attributes['local.fault'] = call.fault;
  const { iam } = call;
  if (iam) {
    attributes['local.iam.decision'] = iam.decision;
    if (iam.statements.length > 0) attributes['local.iam.statement'] = iam.statements.join('\n');
    if (iam.reason) attributes['local.iam.reason'] = iam.reason;
    if (iam.missing) {
      attributes['local.iam.missing'] = JSON.stringify(iam.missing);
      const grant = call.functionName ? grantFor?.(call.functionName, iam.missing) : undefined;
      if (grant) attributes['local.iam.grant'] = grant;
    }
  }
  return {
    spanId,
    parentSpanId,
    name: `DynamoDB.${operation}`,
    kind: 'client',
    startTime: call.startTime,
    durationMs: Math.round((call.endTime - call.startTime) * 1000) / 1000,
    status: call.statusCode >= 400 || call.statusCode === 0 ? 'error' : 'ok',
    attributes,
  };
}

/** The index, the key and the key condition a request names, when it names them. */
function requestDetails(body: string): Record<string, AttributeValue> {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof input !== 'object' || input === null) return {};
  const { IndexName, Key, KeyConditionExpression, ConsistentRead } = input as Record<string, unknown>;
  return {
    ...(typeof IndexName === 'string' ? { 'aws.dynamodb.index_name': IndexName } : {}),
    ...(Key !== undefined ? { 'local.dynamodb.key': JSON.stringify(Key) } : {}),
    ...(typeof KeyConditionExpression === 'string'
      ? { 'local.dynamodb.key_condition': KeyConditionExpression }
      : {}),
    ...(typeof ConsistentRead === 'boolean' ? { 'aws.dynamodb.consistent_read': ConsistentRead } : {}),
  };
}
