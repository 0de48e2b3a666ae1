// The shipped services' stack as `npm start` runs it by default, for tests that need its tables.
import { LOCAL_REGION } from '#local/local-account.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import type { StackTable } from '#local/stack/local-stack.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { loadServices } from '#src/declaration/load-services.ts';

let tables: Promise<readonly StackTable[]> | undefined;

/**
 * The tables of the shipped services' synthesized stack (default stage settings, INFO), read once
 * per test process: a synthesis takes seconds, and every caller wants the same stack.
 */
export function shippedStackTables(): Promise<readonly StackTable[]> {
  tables ??= loadServices()
    .then((services) => loadStack(services, stackInputFor(DEFAULT_API_SETTINGS, 'INFO', LOCAL_REGION)))
    .then(({ stack }) => stack.tables);
  return tables;
}

/** One table of the shipped stack, by its local name. */
export async function shippedStackTable(tableName: string): Promise<StackTable> {
  const table = (await shippedStackTables()).find((t) => t.tableName === tableName);
  if (!table) throw new Error(`the shipped stack has no table ${tableName}`);
  return table;
}
