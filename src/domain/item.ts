import { monotonicFactory } from 'ulid';
import { type FieldError, ValidationError } from './errors.ts';
import { randomFraction } from './random-pool.ts';

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

// Pure: a bundle that never calls `newId` leaves the generator (and `ulid`) out.
const nextUlid = /* @__PURE__ */ monotonicFactory(randomFraction);

/** A new id: a ULID, URL-safe and sortable by creation time. */
export const newId = (): string => nextUlid();

/** One failure as a compiled JSON Schema validator (Ajv, standalone or not) reports it. */
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly message?: string;
}

/** A compiled JSON Schema validator: true when valid, else its `errors`. */
export interface CompiledSchema {
  (value: unknown): boolean;
  errors?: readonly SchemaError[] | null;
}

/** Checks client fields: returns them (defaults applied), or throws a `ValidationError`. */
export type FieldsValidator = (fields: unknown) => Record<string, unknown>;

/**
 * Maps a validator's errors to problem+json field errors, one per path and message: `tags.3`,
 * the key itself for unknown keys (server-owned ones said so), and a missing field by its name.
 * A nullable member's alternatives (`must be null`, `must match a schema in anyOf`) are left
 * out when the member, or a member inside it, has a more telling error.
 */
export function schemaFieldErrors(errors: readonly SchemaError[]): FieldError[] {
  const join = (base: string, key: string) => (base ? `${base}.${key}` : key);
  const mapped = errors.map((error) => {
    const base = error.instancePath.split('/').slice(1).join('.');
    const { additionalProperty, missingProperty } = error.params as Record<string, string | undefined>;
    if (error.keyword === 'additionalProperties' && additionalProperty !== undefined) {
      return {
        path: join(base, additionalProperty),
        message: RESERVED_FIELDS.includes(additionalProperty)
          ? 'is set by the server and cannot be sent'
          : 'is not a known field',
        weak: false,
      };
    }
    if (error.keyword === 'required' && missingProperty !== undefined)
      return { path: join(base, missingProperty), message: 'is required', weak: false };
    const weak = error.keyword === 'anyOf' || (error.keyword === 'type' && error.params.type === 'null');
    return { path: base, message: error.message ?? `fails ${error.keyword}`, weak };
  });
  const strong = mapped.filter((e) => !e.weak).map((e) => e.path);
  // A weak error is left out when the member, or something inside it, has a telling one.
  const explained = (path: string) =>
    strong.some((p) => p === path || path === '' || p.startsWith(`${path}.`));
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const { path, message, weak } of mapped) {
    const key = `${path}\n${message}`;
    if ((weak && explained(path)) || seen.has(key)) continue;
    seen.add(key);
    result.push({ path, message });
  }
  return result;
}

/** A compiled schema as a {@link FieldsValidator}: 400 with every failing field. */
export function fieldsValidator(validate: CompiledSchema): FieldsValidator {
  return (fields) => {
    if (validate(fields)) return fields as Record<string, unknown>;
    throw new ValidationError(schemaFieldErrors(validate.errors ?? []));
  };
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
 * The revision is left out (clients see it as the `ETag`), and so is the owner (always the
 * caller), and so is any attribute the schema does not declare: another writer's, or one an
 * older schema had. It stays stored as it is; the representation is the schema's.
 */
export function orderItem(item: StoredItem, fieldNames: readonly string[]): StoredItem {
  const ordered: Record<string, unknown> = { id: item.id };
  for (const name of fieldNames) if (item[name] !== undefined) ordered[name] = item[name];
  const { version, createdAt, updatedAt } = item;
  return { ...ordered, version, createdAt, updatedAt } as StoredItem;
}
