/** What every handler needs from its environment. */
export interface FunctionConfig {
  readonly tableName: string;
}

/**
 * Reads the function's configuration from its environment (explicit argument first, then
 * `process.env`) and fails fast, at init, when a required variable is missing.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): FunctionConfig {
  const tableName = env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set: the function cannot know its table');
  return { tableName };
}
