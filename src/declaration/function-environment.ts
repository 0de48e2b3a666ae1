import { ACCESS_RULE_ENV, encodeAccessRule } from './access.ts';
import { IDEMPOTENCY_MODE_ENV, IDEMPOTENCY_TABLE_ENV } from './idempotency.ts';
import { LOG_LEVELS, type LogLevel } from './log-levels.ts';
import type { FunctionDeclaration, ServiceDeclaration } from './types.ts';

export { LOG_LEVELS, type LogLevel };

export interface EnvironmentInput {
  /** Physical name of the service's table (CloudFormation's name when deployed). */
  readonly tableName: string;
  readonly logLevel: LogLevel;
  /** Origins browsers may call the API from (`*` for any); the functions answer with CORS headers. */
  readonly corsOrigins: readonly string[];
  /** Physical name of the idempotency persistence table; needed by functions that declare `idempotency`. */
  readonly idempotencyTableName?: string;
}

/**
 * The environment variables a function runs with, deployed and locally alike. The handler
 * learns its table only from here: no table name is ever hard-coded in handler code.
 */
export function functionEnvironment(
  service: ServiceDeclaration,
  fn: FunctionDeclaration,
  { tableName, logLevel, corsOrigins, idempotencyTableName }: EnvironmentInput,
): Record<string, string> {
  if (fn.idempotency && !idempotencyTableName)
    throw new Error(`${fn.name} honours Idempotency-Key but no idempotency table was given`);
  return {
    ...fn.environment,
    TABLE_NAME: tableName,
    POWERTOOLS_SERVICE_NAME: service.name,
    LOG_LEVEL: logLevel,
    CORS_ALLOW_ORIGINS: corsOrigins.join(','),
    // The rule in force (settings applied): the handler checks groups and owner against the claims.
    [ACCESS_RULE_ENV]: encodeAccessRule(fn.access),
    ...(fn.idempotency && idempotencyTableName
      ? { [IDEMPOTENCY_TABLE_ENV]: idempotencyTableName, [IDEMPOTENCY_MODE_ENV]: fn.idempotency }
      : {}),
  };
}
