import type { z } from 'zod';
import type { FieldsValidator } from '../domain/item.ts';
import type { AccessRule } from './access.ts';

/** The DynamoDB actions a function may be granted. Only these ever reach an IAM policy. */
export const DYNAMODB_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Scan',
  'dynamodb:Query',
] as const;
export type DynamoDbAction = (typeof DYNAMODB_ACTIONS)[number];

/**
 * Whether a create needs an `Idempotency-Key`: `optional` (the default) honours a key when one is
 * sent, `required` refuses a create without one (400).
 */
export const IDEMPOTENCY_MODES = ['optional', 'required'] as const;
export type IdempotencyMode = (typeof IDEMPOTENCY_MODES)[number];

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** Lambda's log formats: JSON (the default here, filtered by level) or Lambda's plain text lines. */
export const LOG_FORMATS = ['JSON', 'Text'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];
/** The format of a function that declares none: the one the stack's log level filters. */
export const DEFAULT_LOG_FORMAT = 'JSON' satisfies LogFormat;

/** One Lambda function behind one API Gateway route. */
export interface FunctionDeclaration {
  /** Function name, unique across all services, e.g. `products-create`. */
  readonly name: string;
  readonly method: HttpMethod;
  /** API Gateway resource template, e.g. `/products/{id}`. */
  readonly path: string;
  /**
   * Module that builds the handler, relative to the project root, e.g. `src/handlers/create.ts`.
   * It exports `makeHandler(service, fn)` returning the Lambda handler; `service` is the
   * declaration's {@link RuntimeService} (plain data and precompiled validators, no zod).
   */
  readonly handler: string;
  /** Exactly the DynamoDB actions this function may call, on its own table only. */
  readonly actions: readonly DynamoDbAction[];
  /** The table's indexes this function queries: `dynamodb:Query` on each one's ARN, nothing wider. */
  readonly indexes?: readonly string[];
  /** Who may call it (deny by default: every function states one). */
  readonly access: AccessRule;
  /** Schema of the request body, used by API Gateway request validation. */
  readonly body?: z.ZodType;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Extra environment variables of this function only. */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The format Lambda writes this function's logs in: `JSON` (default) lets Lambda filter them by
   * the stack's log level; `Text` keeps Lambda's tab-separated lines and has no such filter.
   */
  readonly logFormat: LogFormat;
  /**
   * Set on a create that honours `Idempotency-Key` (required or optional): it is granted the
   * persistence table's actions and learns the table from its environment.
   */
  readonly idempotency?: IdempotencyMode;
}

export interface TableDeclaration {
  /** Table name used locally, and the logical name clients may send (DynamoDBManager's `tableName`). */
  readonly name: string;
  readonly partitionKey: string;
  /** Sort key, for tables holding many items per partition (an owner-scoped resource's `id`). */
  readonly sortKey?: string;
  /** Its global secondary indexes, one per declared access pattern (see secondary-indexes.ts). */
  readonly indexes?: readonly SecondaryIndex[];
}

/** The types an index key attribute holds (DynamoDB's `S` and `N`). */
export type KeyFieldType = 'string' | 'number';

/** A field an index is keyed on, with the type of its values (an enum's values, to refuse others). */
export interface IndexKeyField {
  readonly field: string;
  readonly type: KeyFieldType;
  readonly values?: readonly string[];
}

/** An index key attribute as DynamoDB holds it. */
export interface IndexKeyAttribute {
  readonly attribute: string;
  readonly type: KeyFieldType;
}

/**
 * A declared access pattern: queries name `partitionKey` with `=` and may put one condition on
 * `sortKey`. `key` is the index's key in DynamoDB: the same fields, or for an owner-scoped
 * resource the owner (hash) and the partitionKey field (range), so a query stays in the caller's items.
 */
export interface SecondaryIndex {
  readonly name: string;
  readonly partitionKey: IndexKeyField;
  readonly sortKey?: IndexKeyField;
  readonly key: { readonly hash: IndexKeyAttribute; readonly range?: IndexKeyAttribute };
}

export interface ServiceDeclaration {
  readonly name: string;
  readonly table: TableDeclaration;
  readonly functions: readonly FunctionDeclaration[];
  /** The schema of a typed resource's items (client fields only), if the service is one. */
  readonly itemSchema?: z.ZodObject;
  /**
   * Set on a typed resource whose items belong to the caller: the table's partition key holds
   * the caller's identity, taken only from the verified token.
   */
  readonly ownerScoped?: boolean;
}

/**
 * What a function's `makeHandler` receives of its service: the declaration's plain data and, for
 * a typed resource, its item schema and merge-patch schema as validators compiled at build time
 * (src/build/runtime-service.ts), so bundles carry neither the declaration nor zod.
 */
export interface RuntimeService {
  readonly name: string;
  readonly table: TableDeclaration;
  readonly ownerScoped?: boolean;
  /** A typed resource's client fields, in schema order. */
  readonly fields?: readonly string[];
  /** Checks a typed resource's full item (client fields). */
  readonly item?: FieldsValidator;
  /** Checks a typed resource's JSON Merge Patch body. */
  readonly patch?: FieldsValidator;
}
