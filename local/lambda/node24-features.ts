// Node.js 24 features that the host's Node 20 has only behind a V8 flag, turned on for the
// process that imports this module (the local Lambda service's, and each test file's) so that
// code runs as it does on the deployed runtime. V8 flags belong to the process: the isolates of
// instances started afterwards have them too.
import { setFlagsFromString } from 'node:v8';

/**
 * JSON.parse source text access (ES2025): a reviver is given each value's source text, and
 * `JSON.rawJSON` exists. Request bodies rely on it to name numbers DynamoDB cannot store.
 */
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

if (!hasJsonSourceText()) setFlagsFromString(JSON_SOURCE_TEXT_FLAG);
