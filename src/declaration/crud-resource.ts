import type { z } from 'zod';
import { OWNER_FIELD, RESERVED_FIELDS } from '../domain/item.ts';
import { type AccessRule, accessRuleProblem } from './access.ts';
import { defineService } from './define-service.ts';
import { mergePatchSchema } from './merge-patch-schema.ts';
import { type IndexInput, resolveIndexes } from './secondary-indexes.ts';
import type { IdempotencyMode, ServiceDeclaration } from './types.ts';

/** The operations of a typed resource, each one function. */
export const CRUD_OPERATIONS = ['create', 'get', 'replace', 'update', 'delete', 'list'] as const;
export type CrudOperation = (typeof CRUD_OPERATIONS)[number];

const READS: readonly CrudOperation[] = ['get', 'list'];

/**
 * Who may call each operation. `read` covers get and list, `write` covers create, replace, update
 * and delete; a rule named for one operation wins over them. Every operation needs a rule.
 */
export type CrudAccess = Partial<Record<CrudOperation | 'read' | 'write', AccessRule>>;

export interface CrudResourceInput {
  /** Service name and path segment, e.g. `products` serves `/products` and `/products/{id}`. */
  name: string;
  /** Client-settable fields of an item. Must be strict: unknown fields are rejected. */
  item: z.ZodObject;
  /**
   * Who may call each operation (deny by default). `allow.owner()` makes the resource
   * owner-scoped: items are keyed by the caller's identity, and every operation must be owner.
   */
  access: CrudAccess;
  /**
   * Access patterns the list answers as a Query, never a Scan: `GET /{name}?status=pending` on
   * `{ byStatus: { partitionKey: 'status' } }`. Each is a global secondary index; the list
   * function alone may query them.
   */
  indexes?: Readonly<Record<string, IndexInput>>;
  memoryMb?: number;
  timeoutSeconds?: number;
  /**
   * `POST` honours an `Idempotency-Key` header (a retry with the same key and body gets the first
   * response, not a second item); `required` refuses a create without a key. Default `optional`.
   */
  idempotency?: IdempotencyMode;
}

/**
 * Declares a typed CRUD resource: a table keyed by `id` and one function per operation
 * (create, get, replace, update, delete, list), each granted only the action it uses.
 *
 * @example
 * export default defineCrudResource({
 *   name: 'notes',
 *   item: z.strictObject({ text: z.string().max(500) }),
 *   access: { read: allow.signedIn(), write: allow.groups('editors') },
 * });
 */
export function defineCrudResource(input: CrudResourceInput): ServiceDeclaration {
  const { name, item } = input;
  const reserved = Object.keys(item.shape).filter((field) => RESERVED_FIELDS.includes(field));
  if (reserved.length > 0) {
    throw new Error(`Invalid declaration of service "${name}": ${reserved.join(', ')} are system fields`);
  }
  const access = resolveCrudAccess(name, input.access);
  const ownerScoped = access.get.allow === 'owner';
  const { indexes, problems } = resolveIndexes(input.indexes, item, ownerScoped);
  if (problems.length > 0)
    throw new Error(`Invalid declaration of service "${name}": ${problems.join('; ')}`);
  const indexed = indexes.length > 0 ? { indexes } : {};
  const common = {
    ...(input.memoryMb ? { memoryMb: input.memoryMb } : {}),
    ...(input.timeoutSeconds ? { timeoutSeconds: input.timeoutSeconds } : {}),
  };
  const collection = `/${name}`;
  const member = `/${name}/{id}`;
  return defineService({
    name,
    table: ownerScoped
      ? { name, partitionKey: OWNER_FIELD, sortKey: 'id', ...indexed }
      : { name, partitionKey: 'id', ...indexed },
    itemSchema: item,
    ...(ownerScoped ? { ownerScoped } : {}),
    functions: [
      {
        name: `${name}-create`,
        access: access.create,
        method: 'POST',
        path: collection,
        handler: 'src/handlers/create.ts',
        actions: ['dynamodb:PutItem'],
        body: item,
        idempotency: input.idempotency ?? 'optional',
        ...common,
      },
      {
        name: `${name}-get`,
        access: access.get,
        method: 'GET',
        path: member,
        handler: 'src/handlers/get.ts',
        actions: ['dynamodb:GetItem'],
        ...common,
      },
      {
        name: `${name}-replace`,
        access: access.replace,
        method: 'PUT',
        path: member,
        handler: 'src/handlers/replace.ts',
        // GetItem: an item another writer put (no revision) is read to judge its preconditions.
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        body: item,
        ...common,
      },
      {
        name: `${name}-update`,
        access: access.update,
        method: 'PATCH',
        path: member,
        handler: 'src/handlers/update.ts',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        body: mergePatchSchema(item),
        ...common,
      },
      {
        name: `${name}-delete`,
        access: access.delete,
        method: 'DELETE',
        path: member,
        handler: 'src/handlers/delete.ts',
        actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
        ...common,
      },
      {
        name: `${name}-list`,
        access: access.list,
        method: 'GET',
        path: collection,
        handler: 'src/handlers/list.ts',
        // An owner's items are one partition: listing them is a Query, never a Scan of everyone's.
        actions: [ownerScoped ? 'dynamodb:Query' : 'dynamodb:Scan'],
        // A filtered list is a Query of one index: granted on exactly the declared indexes' ARNs.
        ...(indexes.length > 0 ? { indexes: indexes.map((index) => index.name) } : {}),
        ...common,
      },
    ],
  });
}

/** Each operation's rule, checked: every operation has one, and owner rules come all together. */
function resolveCrudAccess(name: string, input: CrudAccess | undefined): Record<CrudOperation, AccessRule> {
  const problems: string[] = [];
  const resolved = {} as Record<CrudOperation, AccessRule>;
  for (const operation of CRUD_OPERATIONS) {
    const rule = input?.[operation] ?? input?.[READS.includes(operation) ? 'read' : 'write'];
    const problem = accessRuleProblem(rule);
    if (problem) problems.push(`${operation} ${problem}`);
    else resolved[operation] = rule as AccessRule;
  }
  const owners = CRUD_OPERATIONS.filter((op) => resolved[op]?.allow === 'owner');
  if (owners.length > 0 && owners.length < CRUD_OPERATIONS.length) {
    problems.push(
      `allow.owner() keys the table by owner, so it must be the rule of every operation (it is for ${owners.join(', ')} only)`,
    );
  }
  if (problems.length > 0)
    throw new Error(`Invalid declaration of service "${name}": ${problems.join('; ')}`);
  return resolved;
}
