import type { LogSink } from './contracts.ts';

/** Writes every function's log lines to the terminal, each prefixed by its function's name. */
export function terminalLogSink(out: NodeJS.WritableStream): LogSink {
  const colour = out === process.stdout && process.stdout.isTTY;
  const palette = [36, 35, 33, 32, 34, 91, 96];
  const assigned = new Map<string, number>();
  return {
    write(functionName, line) {
      if (!assigned.has(functionName))
        assigned.set(functionName, palette[assigned.size % palette.length] ?? 36);
      const name = colour ? `\u001b[${assigned.get(functionName)}m${functionName}\u001b[0m` : functionName;
      out.write(`${name} │ ${line}\n`);
    },
  };
}
