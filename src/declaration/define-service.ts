import type { z } from 'zod';
import { type AccessRule, accessRuleProblem } from './access.ts';
import { INTEGRATION_TIMEOUT_SECONDS } from './api-settings.ts';
import {
  DEFAULT_LOG_FORMAT,
  DYNAMODB_ACTIONS,
  type DynamoDbAction,
  type FunctionDeclaration,
  HTTP_METHODS,
  type HttpMethod,
  IDEMPOTENCY_MODES,
  type IdempotencyMode,
  LOG_FORMATS,
  type LogFormat,
  type ServiceDeclaration,
  type TableDeclaration,
} from './types.ts';

export interface FunctionInput {
  name: string;
  method: HttpMethod;
  path: string;
  handler: string;
  actions: readonly DynamoDbAction[];
  /** Indexes of the table this function queries (granted `dynamodb:Query` on each index only). */
  indexes?: readonly string[];
  /** Who may call it; a function without a rule is refused (deny by default). */
  access: AccessRule;
  body?: z.ZodType;
  memoryMb?: number;
  timeoutSeconds?: number;
  environment?: Record<string, string>;
  /** Default `JSON`, the format the stack's log level filters. */
  logFormat?: LogFormat;
  /** Honour `Idempotency-Key` on this (POST) function; `required` refuses requests without one. */
  idempotency?: IdempotencyMode;
}

export interface ServiceInput {
  name: string;
  table: TableDeclaration;
  functions: readonly FunctionInput[];
  itemSchema?: z.ZodObject;
  ownerScoped?: boolean;
}

/** Defaults every function gets unless its declaration says otherwise. */
export const FUNCTION_DEFAULTS = {
  memoryMb: 256,
  timeoutSeconds: 10,
  logFormat: DEFAULT_LOG_FORMAT,
} as const;
// A function's own timeout must stay below API Gateway's integration timeout.
export { INTEGRATION_TIMEOUT_SECONDS };

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const PATH = /^(\/(?:[A-Za-z0-9._-]+|\{[A-Za-z][A-Za-z0-9_]*\}))+$/;

/**
 * Declares a microservice: its table and the functions behind its routes.
 * Fails fast on a declaration that could not be deployed.
 *
 * @example
 * export default defineService({
 *   name: 'hello',
 *   table: { name: 'hello', partitionKey: 'id' },
 *   functions: [{ name: 'hello-get', method: 'GET', path: '/hello/{id}',
 *                 handler: 'src/handlers/get.ts', actions: ['dynamodb:GetItem'],
 *                 access: allow.signedIn() }],
 * });
 */
export function defineService(input: ServiceInput): ServiceDeclaration {
  const problems: string[] = [];
  // Each problem starts with the field it is about, as a path into the declaration
  // (`functions[2].memoryMb`): with the file that loadServices puts before it, the place to fix.
  if (!NAME.test(input.name)) problems.push(`name: service name "${input.name}" is not a valid name`);
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(input.table.name))
    problems.push(`table.name: table name "${input.table.name}"`);
  if (input.ownerScoped && !input.table.sortKey)
    problems.push('table.sortKey: an owner-scoped table needs a sort key');
  const functions = input.functions.map((fn, i): FunctionDeclaration => {
    /** The path of a field of this function, and its name to tell which one it is. */
    const at = (field: string) => `functions[${i}].${field} (${fn.name})`;
    if (!NAME.test(fn.name)) problems.push(`functions[${i}].name: function name "${fn.name}"`);
    if (!HTTP_METHODS.includes(fn.method)) problems.push(`${at('method')}: method ${fn.method}`);
    if (!PATH.test(fn.path)) problems.push(`${at('path')}: path "${fn.path}"`);
    const accessProblem = accessRuleProblem(fn.access);
    if (accessProblem) problems.push(`${at('access')}: ${fn.name} ${accessProblem}`);
    if (fn.access?.allow === 'owner' && !input.ownerScoped) {
      problems.push(
        `${at('access')}: allow.owner() needs an owner-scoped table (defineCrudResource with owner access)`,
      );
    }
    for (const [j, action] of fn.actions.entries()) {
      if (!DYNAMODB_ACTIONS.includes(action)) problems.push(`${at(`actions[${j}]`)}: action ${action}`);
    }
    for (const [j, index] of (fn.indexes ?? []).entries()) {
      if (!input.table.indexes?.some((declared) => declared.name === index))
        problems.push(`${at(`indexes[${j}]`)}: queries index ${index}, which the table does not declare`);
    }
    const timeoutSeconds = fn.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds;
    // Not a number at all (a declaration written in JavaScript, or cast) fails as out of range.
    if (!(timeoutSeconds >= 1 && timeoutSeconds < INTEGRATION_TIMEOUT_SECONDS)) {
      problems.push(
        `${at('timeoutSeconds')}: timeout ${timeoutSeconds}s must be 1–${INTEGRATION_TIMEOUT_SECONDS - 1}s`,
      );
    }
    const memoryMb = fn.memoryMb ?? FUNCTION_DEFAULTS.memoryMb;
    if (!(memoryMb >= 128 && memoryMb <= 10240))
      problems.push(`${at('memoryMb')}: memory ${memoryMb} MB must be 128–10240 MB`);
    const logFormat = fn.logFormat ?? FUNCTION_DEFAULTS.logFormat;
    if (!LOG_FORMATS.includes(logFormat))
      problems.push(`${at('logFormat')}: log format ${logFormat} is not one of ${LOG_FORMATS.join(', ')}`);
    if (fn.idempotency !== undefined && !IDEMPOTENCY_MODES.includes(fn.idempotency))
      problems.push(
        `${at('idempotency')}: idempotency ${fn.idempotency} is not one of ${IDEMPOTENCY_MODES.join(', ')}`,
      );
    if (fn.idempotency !== undefined && fn.method !== 'POST')
      problems.push(
        `${at('idempotency')}: idempotency keys are for POST (a ${fn.method} is idempotent by its method)`,
      );
    return {
      name: fn.name,
      method: fn.method,
      path: fn.path,
      handler: fn.handler,
      actions: [...new Set(fn.actions)],
      ...(fn.indexes?.length ? { indexes: [...new Set(fn.indexes)] } : {}),
      access: fn.access,
      ...(fn.body ? { body: fn.body } : {}),
      memoryMb,
      timeoutSeconds,
      environment: { ...fn.environment },
      logFormat,
      ...(fn.idempotency ? { idempotency: fn.idempotency } : {}),
    };
  });
  const routes = functions.map((fn) => `${fn.method} ${fn.path}`);
  for (const [i, route] of routes.entries()) {
    if (routes.indexOf(route) !== i) problems.push(`route ${route} is declared twice`);
  }
  if (problems.length > 0) {
    throw new Error(`Invalid declaration of service "${input.name}": ${problems.join('; ')}`);
  }
  return {
    name: input.name,
    table: { ...input.table },
    functions,
    ...(input.itemSchema ? { itemSchema: input.itemSchema } : {}),
    ...(input.ownerScoped ? { ownerScoped: true } : {}),
  };
}
