// Lambda's log group names, written once: the instances' environment, the kept logs, the IAM
// guard's reading of the log group ARN and `npm run logs` all name a function's group so.

/** What every Lambda function's default log group name starts with. */
export const LAMBDA_LOG_GROUP_PREFIX = '/aws/lambda/';

/**
 * The log group Lambda writes a function's logs to by default.
 *
 * @example
 * lambdaLogGroup('products-get'); // '/aws/lambda/products-get'
 */
export function lambdaLogGroup(functionName: string): string {
  return `${LAMBDA_LOG_GROUP_PREFIX}${functionName}`;
}
