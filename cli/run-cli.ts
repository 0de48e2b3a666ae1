import { CommanderError } from 'commander';
import { ProblemError } from '#client/index.ts';
import { buildProgram, type CliIo } from './program.ts';

/**
 * Runs the CLI on `args` and returns its exit code: 0 on success, 1 when the API answered with a
 * problem (its status, title, detail and field errors go to stderr) or could not be reached, and
 * commander's code for usage errors.
 *
 * @example
 * const code = await runCli(['products', 'list', '--limit', '5'], { stdout, stderr, env: process.env });
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ProblemError) {
      io.stderr(`Error ${error.status} ${error.title}${error.detail ? `: ${error.detail}` : ''}\n`);
      for (const field of error.errors ?? []) io.stderr(`  ${field.path}: ${field.message}\n`);
      return 1;
    }
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    if ((error as { cause?: { code?: unknown } })?.cause?.code === 'ECONNREFUSED') {
      io.stderr(
        `Error: nothing answers there${cause}: start the system (npm start) in another terminal, or pass --url\n`,
      );
      return 1;
    }
    io.stderr(`Error: ${error instanceof Error ? error.message : String(error)}${cause}\n`);
    return 1;
  }
}
