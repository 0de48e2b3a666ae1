import { BadRequestError } from './errors.ts';

/** The strong entity tag of an item version: `"3"`. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * A parsed `If-Match` / `If-None-Match` header: `any` for `*`, else the versions of the strong
 * tags it lists (weak tags never match: both headers are compared strongly here).
 */
export type Precondition =
  | { readonly any: true }
  | { readonly any: false; readonly versions: readonly number[] };

const TAG = /^(W\/)?"([^"]*)"$/;

/** Parses an entity-tag list; `undefined` when the header is absent. Malformed → 400. */
export function parsePrecondition(header: string | undefined, name: string): Precondition | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '*') return { any: true };
  const versions: number[] = [];
  for (const part of trimmed.split(',')) {
    const match = TAG.exec(part.trim());
    if (!match) throw new BadRequestError(`${name} must be "*" or a list of entity tags such as "3".`);
    const [, weak, opaque = ''] = match;
    if (!weak && /^[1-9][0-9]{0,15}$/.test(opaque)) versions.push(Number(opaque));
  }
  return { any: false, versions };
}

/** Whether an item at `version` (undefined when absent) satisfies `If-Match`. */
export function matchesIfMatch(condition: Precondition, version: number | undefined): boolean {
  if (version === undefined) return false;
  return condition.any || condition.versions.includes(version);
}
