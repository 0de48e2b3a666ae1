import { randomBytes } from 'node:crypto';
import path from 'node:path';

/** What identifies one instance of a function to itself. */
export interface InstanceIdentity {
  readonly functionName: string;
  readonly bundleFile: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly logStreamName: string;
}

export const FUNCTION_VERSION = '$LATEST';

/** Account id in local ARNs: the placeholder AWS uses in its own documentation. */
export const LOCAL_ACCOUNT_ID = '123456789012';

export function functionArn(region: string, functionName: string): string {
  return `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`;
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * A fresh log stream name in AWS's format, one per instance, as each execution environment
 * writes its own stream.
 *
 * @example
 * newLogStreamName(new Date('2024-05-01T10:00:00Z')); // '2024/05/01/[$LATEST]3f9c…' (32 hex digits)
 */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

/**
 * The complete environment of an instance: the function's own variables plus those Lambda sets.
 * Nothing comes from the host's environment, so no function sees another's variables or the
 * developer's AWS credentials; credentials arrive only through `own`. Lambda's reserved
 * variables win over `own`, as AWS refuses to let a function set them.
 */
export function instanceEnvironment(
  own: Readonly<Record<string, string>>,
  instance: InstanceIdentity,
): Record<string, string> {
  return {
    ...own,
    AWS_LAMBDA_FUNCTION_NAME: instance.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(instance.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(instance.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: instance.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: instance.region,
    AWS_DEFAULT_REGION: instance.region,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    _HANDLER: 'index.handler',
    LAMBDA_TASK_ROOT: path.dirname(instance.bundleFile),
    TZ: ':UTC',
  };
}
