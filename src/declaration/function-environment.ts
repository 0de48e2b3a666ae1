import type { FunctionDeclaration, ServiceDeclaration } from './types.ts';

export interface EnvironmentInput {
  /** Physical name of the service's table (CloudFormation's name when deployed). */
  readonly tableName: string;
  readonly logLevel: string;
}

/**
 * The environment variables a function runs with, deployed and locally alike. The handler
 * learns its table only from here: no table name is ever hard-coded in handler code.
 */
export function functionEnvironment(
  service: ServiceDeclaration,
  fn: FunctionDeclaration,
  { tableName, logLevel }: EnvironmentInput,
): Record<string, string> {
  return {
    ...fn.environment,
    TABLE_NAME: tableName,
    POWERTOOLS_SERVICE_NAME: service.name,
    LOG_LEVEL: logLevel,
  };
}
