import type { z } from 'zod';
import { RESERVED_FIELDS } from '../domain/item.ts';
import { defineService } from './define-service.ts';
import { mergePatchSchema } from './merge-patch-schema.ts';
import type { ServiceDeclaration } from './types.ts';

export interface CrudResourceInput {
  /** Service name and path segment, e.g. `products` serves `/products` and `/products/{id}`. */
  name: string;
  /** Client-settable fields of an item. Must be strict: unknown fields are rejected. */
  item: z.ZodObject;
  memoryMb?: number;
  timeoutSeconds?: number;
}

/**
 * Declares a typed CRUD resource: a table keyed by `id` and one function per operation
 * (create, get, replace, update, delete, list), each granted only the action it uses.
 *
 * @example
 * export default defineCrudResource({
 *   name: 'orders',
 *   item: z.strictObject({ customer: z.string(), total: z.number().min(0) }),
 * });
 */
export function defineCrudResource(input: CrudResourceInput): ServiceDeclaration {
  const { name, item } = input;
  const reserved = Object.keys(item.shape).filter((field) => RESERVED_FIELDS.includes(field));
  if (reserved.length > 0) {
    throw new Error(`Invalid declaration of service "${name}": ${reserved.join(', ')} are system fields`);
  }
  const common = {
    ...(input.memoryMb ? { memoryMb: input.memoryMb } : {}),
    ...(input.timeoutSeconds ? { timeoutSeconds: input.timeoutSeconds } : {}),
  };
  const collection = `/${name}`;
  const member = `/${name}/{id}`;
  return defineService({
    name,
    table: { name, partitionKey: 'id' },
    itemSchema: item,
    functions: [
      {
        name: `${name}-create`,
        method: 'POST',
        path: collection,
        handler: 'src/handlers/create.ts',
        actions: ['dynamodb:PutItem'],
        body: item,
        ...common,
      },
      {
        name: `${name}-get`,
        method: 'GET',
        path: member,
        handler: 'src/handlers/get.ts',
        actions: ['dynamodb:GetItem'],
        ...common,
      },
      {
        name: `${name}-replace`,
        method: 'PUT',
        path: member,
        handler: 'src/handlers/replace.ts',
        actions: ['dynamodb:UpdateItem'],
        body: item,
        ...common,
      },
      {
        name: `${name}-update`,
        method: 'PATCH',
        path: member,
        handler: 'src/handlers/update.ts',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        body: mergePatchSchema(item),
        ...common,
      },
      {
        name: `${name}-delete`,
        method: 'DELETE',
        path: member,
        handler: 'src/handlers/delete.ts',
        actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem'],
        ...common,
      },
      {
        name: `${name}-list`,
        method: 'GET',
        path: collection,
        handler: 'src/handlers/list.ts',
        actions: ['dynamodb:Scan'],
        ...common,
      },
    ],
  });
}
