import { BadRequestError } from './errors.ts';

/**
 * How deeply lists and maps may nest inside one item: DynamoDB's own limit ("nested attributes
 * up to 32 levels deep", Service quotas). A body may nest no deeper than this plus the levels
 * of its envelope, so that nothing after the parse — serialising, marshalling, validating,
 * merging, measuring, all recursive — can exhaust the stack on a depth the client chose.
 */
export const MAX_NESTING_LEVELS = 32;

/**
 * Whether `value` nests more than `limit` arrays and objects inside each other (`{}` is one
 * level, `[[1]]` two). Walked with an explicit stack, never by recursion, and given up as soon
 * as the limit is passed: a body of 100,000 levels costs a few hundred thousand steps at most.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    const depth = next.depth + 1;
    if (depth > limit) return true;
    const members = Array.isArray(next.value) ? next.value : Object.values(next.value);
    for (const member of members) {
      if (typeof member === 'object' && member !== null) stack.push({ value: member, depth });
    }
  }
  return false;
}

/**
 * Refuses (400) a parsed body that nests deeper than an item may, `envelope` being the levels
 * around the item (1 when the body is the item itself: its own object).
 */
export function assertNestingWithin(value: unknown, envelope: number): void {
  const limit = envelope + MAX_NESTING_LEVELS;
  if (nestsDeeperThan(value, limit)) {
    throw new BadRequestError(
      `The body nests lists and objects more than ${limit} levels deep: DynamoDB stores ` +
        `at most ${MAX_NESTING_LEVELS} levels of nesting in an item.`,
    );
  }
}
