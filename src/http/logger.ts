import { Logger } from '@aws-lambda-powertools/logger';

let shared: Logger | undefined;

/**
 * The function instance's logger (Powertools), created once. Its level comes from `LOG_LEVEL`
 * (or Lambda's `AWS_LAMBDA_LOG_LEVEL` when the function uses JSON log format), and its service
 * name from `POWERTOOLS_SERVICE_NAME`.
 */
export function instanceLogger(): Logger {
  shared ??= new Logger();
  return shared;
}
