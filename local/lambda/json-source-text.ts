// JSON.parse source text access (ES2025, built into Node.js 22 and later): a reviver is given each
// value's source text, and `JSON.rawJSON` exists. Request bodies rely on it to name numbers
// DynamoDB cannot store. Node.js 20 has it behind a V8 flag.

/** The V8 flag that turns it on in Node.js 20. */
export const JSON_SOURCE_TEXT_FLAG = '--harmony-json-parse-with-source';

/** Whether this process's JSON.parse hands revivers the source text. */
export function hasJsonSourceText(): boolean {
  let source: unknown;
  JSON.parse('1.50', (_key, value, context?: { source?: string }) => {
    source = context?.source;
    return value;
  });
  return source === '1.50';
}
