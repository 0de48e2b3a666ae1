// Log levels, least severe first, written once: the stack's `LOG_LEVEL`, Lambda's log filter, the
// local runtime's console, `npm run logs -- --level` and the terminal's compact view all rank by
// this order. Nothing here imports anything, so the instance bootstrap can carry it.

/** Log levels both Lambda's log filter and Powertools Logger understand: the values of `LOG_LEVEL`. */
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level functions log at unless the deployment settings say otherwise (also Lambda's default). */
export const DEFAULT_LOG_LEVEL: LogLevel = 'INFO';

/**
 * Every level a log line may carry, least severe first: the settable ones, then Powertools'
 * `CRITICAL` and the runtime's `FATAL`.
 */
export const LOG_SEVERITIES = [...LOG_LEVELS, 'CRITICAL', 'FATAL'] as const;

/**
 * A level's rank in {@link LOG_SEVERITIES}, whatever its case; -1 for text that is no level.
 *
 * @example
 * severityOf('warn') > severityOf('INFO'); // true
 */
export function severityOf(level: string): number {
  return (LOG_SEVERITIES as readonly string[]).indexOf(level.toUpperCase());
}
