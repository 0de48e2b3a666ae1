// One way to read a command line for every tool of the project (npm start, logs, token, invoke,
// the API's CLI): commander. Each tool declares a Command; this runs it without letting commander
// exit the process or print on its own, so that each entry point decides what goes where.
import { type Command, CommanderError } from 'commander';

/** What reading a command line gave: the help text to print, or the values read. */
export type ParsedCommandLine =
  | { readonly kind: 'help'; readonly text: string }
  | {
      readonly kind: 'ok';
      readonly options: Record<string, unknown>;
      readonly args: readonly string[];
      /** Whether an option came from the command line (not a default). */
      readonly given: (option: string) => boolean;
    };

/** A command line that cannot be run as written; its message is one line naming what exists. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Reads `argv` with `command`. `--help` gives its help text; an unknown option, a missing value or
 * a surplus argument throws a `UsageError` whose message is commander's, on one line (with its
 * "Did you mean …?" when a known option is close).
 *
 * @example
 * const parsed = parseCommandLine(new Command('logs').option('--since <age>'), ['--since', '1h']);
 */
export function parseCommandLine(command: Command, argv: readonly string[]): ParsedCommandLine {
  let written = '';
  command
    .exitOverride()
    .configureOutput({ writeOut: (text) => (written += text), writeErr: (text) => (written += text) });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help')
        return { kind: 'help', text: written.trimEnd() };
      throw new UsageError(oneLine(error.message));
    }
    throw error;
  }
  return {
    kind: 'ok',
    options: command.opts(),
    args: command.args,
    given: (option) => command.getOptionValueSource(option) === 'cli',
  };
}

/** Commander's message on one line, its "error: " prefix and final full stop dropped. */
export function oneLine(message: string): string {
  return (
    message
      .replace(/^error:\s*/i, '')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ')
      // Callers go on after it (". See … --help"): no full stop of its own.
      .replace(/\.$/, '')
  );
}

/** "a, b or c", for messages that name what exists. */
export function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
