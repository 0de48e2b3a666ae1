import { BadRequestError } from './errors.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Member names that could reach an object's prototype when merged: refused in any patch. */
export const FORBIDDEN_MEMBERS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * Applies a JSON Merge Patch (RFC 7396) to `target` and returns the result; neither is changed.
 * `null` removes a member, objects merge recursively, anything else replaces. A patch naming
 * `__proto__`, `constructor` or `prototype` at any depth is refused (400), whatever parsed it:
 * only the target's own members are read, and results are plain data objects.
 *
 * @example
 * applyMergePatch({ a: 1, b: { c: 2 } }, { a: null, b: { d: 3 } }) // { b: { c: 2, d: 3 } }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (isObject(target)) {
    for (const [key, value] of Object.entries(target)) define(result, key, value);
  }
  for (const [key, value] of Object.entries(patch)) {
    if ((FORBIDDEN_MEMBERS as readonly string[]).includes(key)) {
      throw new BadRequestError(`A merge patch must not name a member "${key}".`);
    }
    if (value === null) delete result[key];
    else define(result, key, applyMergePatch(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}

/** Sets an own data property, never a setter (such as `__proto__`) inherited from Object.prototype. */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
