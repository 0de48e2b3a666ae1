import type { LogSink } from './contracts.ts';

/** A sink that can also push out what it still holds, e.g. right before the process exits. */
export interface FlushingLogSink extends LogSink {
  flush(): void;
}

/**
 * Writes every function's log lines to the terminal, each prefixed by its function's name.
 * Lines are gathered and written once per turn of the event loop: under load that is one write
 * for dozens of lines instead of one system call each, and the order stays the same.
 */
export function terminalLogSink(out: NodeJS.WritableStream): FlushingLogSink {
  const colour = out === process.stdout && process.stdout.isTTY;
  const palette = [36, 35, 33, 32, 34, 91, 96];
  const assigned = new Map<string, number>();
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    out.write(text);
  };
  return {
    write(functionName, line) {
      if (!assigned.has(functionName))
        assigned.set(functionName, palette[assigned.size % palette.length] ?? 36);
      const name = colour ? `\u001b[${assigned.get(functionName)}m${functionName}\u001b[0m` : functionName;
      pending += `${name} │ ${line}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
