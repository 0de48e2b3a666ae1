import { createHash } from 'node:crypto';
import { BadRequestError } from './errors.ts';
import { pooledRandomBytes } from './random-pool.ts';

/**
 * A fresh revision: 96 random bits in base64url, stored with the item on every write. The
 * entity tag is made from it, so a tag never comes back, not even after a delete and a
 * re-create of the same id (RFC 9110 §8.8.1), while `version` stays a plain counter.
 */
export const newRevision = (): string => pooledRandomBytes(12).toString('base64url');

const LEGACY_REVISION = /^v([1-9][0-9]{0,15})$/;

/** The prefix of a revision made from an item's content: `.` is never in a random or legacy one. */
const CONTENT_REVISION_PREFIX = 'c.';

/**
 * The revision of a stored item. An item written before revisions were stored has none: its
 * revision is then `v` and its version (`v3`), which no random revision can equal, and which
 * stops being its tag at its next write. An item no handler wrote (no revision, no whole-number
 * version: put by DynamoDBManager, an import, another tool) gets a revision made from its content.
 */
export function revisionOf(stored: Readonly<Record<string, unknown>>, field: string): string {
  const revision = stored[field];
  if (typeof revision === 'string') return revision;
  const { version } = stored;
  if (typeof version === 'number' && legacyVersion(`v${version}`) === version) return `v${version}`;
  return contentRevision(stored);
}

/** Whether a revision was made from an item's content (the item has no revision of its own). */
export const isContentRevision = (revision: string): boolean => revision.startsWith(CONTENT_REVISION_PREFIX);

/**
 * A revision made from everything stored in the item: `c.` and 132 bits of its SHA-256 over a
 * canonical form (members sorted, sets sorted, binary as base64), so it changes whenever any
 * attribute changes and never equals a random (no `.`) or legacy (`v3`) revision. Items nest at
 * most 32 levels in DynamoDB, so the serialisation's recursion is bounded.
 */
export function contentRevision(stored: Readonly<Record<string, unknown>>): string {
  const canonical = JSON.stringify(stored, (_key, value: unknown) => {
    if (value instanceof Set) return { $set: [...value].map(String).sort() };
    if (value instanceof Uint8Array) return { $binary: Buffer.from(value).toString('base64') };
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .sort()
        .map((key) => [key, object[key]]),
    );
  });
  const digest = createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
  return `${CONTENT_REVISION_PREFIX}${digest}`;
}

/** The version a legacy revision (`v3`) stands for, or undefined for a stored revision. */
export function legacyVersion(revision: string): number | undefined {
  const match = LEGACY_REVISION.exec(revision);
  return match ? Number(match[1]) : undefined;
}

/** The strong entity tag of a revision: `"Hx3…"`. */
export const etagOf = (revision: string): string => `"${revision}"`;

/** One entity tag of a request header: its opaque part and whether it was weak (`W/"…"`). */
export interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

/** A parsed `If-Match` or `If-None-Match`: `*` (any current representation) or a list of tags. */
export type TagList = { readonly any: true } | { readonly any: false; readonly tags: readonly EntityTag[] };

/** The preconditions of a request; an absent header is absent here. */
export interface Preconditions {
  readonly ifMatch?: TagList;
  readonly ifNoneMatch?: TagList;
}

/** Most tags one header may list: DynamoDB's `IN` takes 100 operands, and no client needs more. */
export const MAX_LISTED_TAGS = 50;

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3).
const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7E\x80-\xFF]*)"$/;

/**
 * Parses an `If-Match` / `If-None-Match` value (RFC 9110 §13.1.1–2): `*` or a comma-separated
 * list of entity tags, empty list elements ignored (§5.6.1). `undefined` when the header is
 * absent; a malformed value is a 400 naming the header.
 */
export function parseTagList(header: string | undefined, name: string): TagList | undefined {
  if (header === undefined) return undefined;
  const malformed = () =>
    new BadRequestError(
      `${name} must be "*" or a list of at most ${MAX_LISTED_TAGS} entity tags, such as "Hx3…" or W/"Hx3…".`,
    );
  if (header.trim() === '*') return { any: true };
  const tags: EntityTag[] = [];
  for (const element of header.split(',')) {
    const part = element.trim();
    if (part === '') continue;
    const match = ENTITY_TAG.exec(part);
    if (!match) throw malformed();
    tags.push({ weak: match[1] !== undefined, opaque: match[2] ?? '' });
  }
  if (tags.length === 0 || tags.length > MAX_LISTED_TAGS) throw malformed();
  return { any: false, tags };
}

/**
 * `If-Match` (§13.1.1): true when a current representation exists and, unless `*`, one listed
 * tag matches its tag by strong comparison — a weak tag never matches.
 */
export function ifMatchHolds(list: TagList, current: string | undefined): boolean {
  if (current === undefined) return false;
  return list.any || list.tags.some((tag) => !tag.weak && tag.opaque === current);
}

/**
 * `If-None-Match` (§13.1.2): false when a current representation exists and `*` was sent, or
 * one listed tag matches its tag by weak comparison (weak and strong tags alike).
 */
export function ifNoneMatchHolds(list: TagList, current: string | undefined): boolean {
  if (current === undefined) return true;
  return !list.any && !list.tags.some((tag) => tag.opaque === current);
}

/** What the preconditions of a request decide: go on, 412, or (reads only) 304. */
export type PreconditionOutcome = 'proceed' | 'precondition-failed' | 'not-modified';

/**
 * Evaluates the preconditions in the order of RFC 9110 §13.2.2 against the current revision
 * (`undefined` when the resource has no current representation): `If-Match` first, then
 * `If-None-Match`, whose failure is a 304 for a read and a 412 for anything else. The date
 * preconditions are not evaluated: items carry no `Last-Modified`.
 */
export function evaluatePreconditions(
  { ifMatch, ifNoneMatch }: Preconditions,
  current: string | undefined,
  request: 'read' | 'write',
): PreconditionOutcome {
  if (ifMatch && !ifMatchHolds(ifMatch, current)) return 'precondition-failed';
  if (ifNoneMatch && !ifNoneMatchHolds(ifNoneMatch, current)) {
    return request === 'read' ? 'not-modified' : 'precondition-failed';
  }
  return 'proceed';
}

/** The tags a list compares strongly (If-Match) or weakly (If-None-Match): opaque parts, once each. */
export function comparedTags(list: TagList & { any: false }, comparison: 'strong' | 'weak'): string[] {
  const tags = comparison === 'strong' ? list.tags.filter((tag) => !tag.weak) : list.tags;
  return [...new Set(tags.map((tag) => tag.opaque))];
}
