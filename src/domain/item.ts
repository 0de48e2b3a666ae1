import { monotonicFactory } from 'ulid';
import type { z } from 'zod';
import { type FieldError, ValidationError } from './errors.ts';

/** Fields the server owns on every item; a body that sets one is refused. */
export const SYSTEM_FIELDS = ['id', 'version', 'createdAt', 'updatedAt'] as const;

/**
 * The stored attribute holding the item's current revision, from which its `ETag` is made.
 * It never appears in a body: the `ETag` header carries it.
 */
export const REVISION_FIELD = 'revision';

/**
 * The stored attribute (the partition key) holding the owner of an owner-scoped resource's item:
 * the caller's identity from the verified token. It never appears in a body, either way.
 */
export const OWNER_FIELD = 'owner';

/** Names an item schema may not declare: the system fields, the hidden revision and owner. */
export const RESERVED_FIELDS: readonly string[] = [...SYSTEM_FIELDS, REVISION_FIELD, OWNER_FIELD];

export interface SystemFields {
  readonly id: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A stored item: the client's fields plus the system fields. */
export type StoredItem = SystemFields & Record<string, unknown>;

/** Ids a client may choose on PUT: URL-safe, no separators, no dots, at most 128 characters. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

const nextUlid = monotonicFactory();

/** A new id: a ULID, URL-safe and sortable by creation time. */
export const newId = (): string => nextUlid();

/** Maps zod issues to problem+json field errors (`tags.3`, or the key itself for unknown keys). */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: RESERVED_FIELDS.includes(key)
          ? 'is set by the server and cannot be sent'
          : 'is not a known field',
      }));
    }
    return [{ path: base, message: issue.message }];
  });
}

/** Validates client fields against the item schema; 400 with every failing field otherwise. */
export function validateFields(schema: z.ZodObject, fields: unknown): Record<string, unknown> {
  const result = schema.safeParse(fields);
  if (!result.success) throw new ValidationError(toFieldErrors(result.error.issues));
  return result.data;
}

/** The client's fields of a stored item (everything but the system fields and the revision). */
export function clientFields(item: Record<string, unknown>): Record<string, unknown> {
  const fields = { ...item };
  for (const name of RESERVED_FIELDS) delete fields[name];
  return fields;
}

/**
 * The item with its keys in a stable, readable order: `id`, the client's fields in schema
 * order, then `version`, `createdAt`, `updatedAt` (DynamoDB returns attributes in any order).
 * The revision is left out (clients see it as the `ETag`), and so is the owner (always the caller).
 */
export function orderItem(item: StoredItem, fieldNames: readonly string[]): StoredItem {
  const ordered: Record<string, unknown> = { id: item.id };
  for (const name of fieldNames) if (item[name] !== undefined) ordered[name] = item[name];
  for (const [name, value] of Object.entries(item)) {
    if (!(name in ordered) && !RESERVED_FIELDS.includes(name)) ordered[name] = value;
  }
  const { version, createdAt, updatedAt } = item;
  return { ...ordered, version, createdAt, updatedAt } as StoredItem;
}
