import { PayloadTooLargeError } from './errors.ts';

/** DynamoDB's item size limit, attribute names and values together. */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Significant digits of a number as it is sent to DynamoDB (its shortest decimal form). */
function significantDigits(value: number): number {
  const mantissa = String(Math.abs(value)).split('e')[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.max(digits.length, 1);
}

/**
 * The size DynamoDB counts for one attribute value, by its documented rules ("Item sizes and
 * formats"), rounded up where the documentation says "approximately" so that the bound is
 * never below DynamoDB's own count: strings and names in UTF-8 bytes; a number one byte per
 * two significant digits plus two; booleans and null one byte; lists and maps three bytes plus
 * one per element, plus their elements (and, for maps, the members' names).
 */
export function attributeSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return Math.ceil(significantDigits(value) / 2) + 2;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value))
    return value.reduce((sum: number, element) => sum + 1 + attributeSize(element), 3);
  if (typeof value === 'object') {
    return Object.entries(value).reduce(
      (sum, [name, member]) => (member === undefined ? sum : sum + 1 + utf8(name) + attributeSize(member)),
      3,
    );
  }
  return 0;
}

/** The size DynamoDB counts for an item: every attribute's name and value. */
export function itemSize(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) size += utf8(name) + attributeSize(value);
  }
  return size;
}

/** Refuses with 413 an item DynamoDB would refuse for its size, before anything is written. */
export function assertItemFits(item: Readonly<Record<string, unknown>>): void {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) {
    throw new PayloadTooLargeError(
      `The item would take ${size} bytes as DynamoDB counts them (names, values and system fields), ` +
        `over its limit of ${MAX_ITEM_BYTES}.`,
    );
  }
}
