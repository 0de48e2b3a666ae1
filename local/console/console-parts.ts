// What the start-up loads for the console, on its own (none of it loads with --no-console), and
// the one call that puts the tracer, the OTLP export and the console together.
import type { LogSink } from '#local/contracts.ts';
import { Tracer } from '#local/tracing/tracer.ts';
import { grantSuggestion } from './grant-suggestion.ts';
import { type ConsoleInputs, type RunningConsole, startConsole } from './start-console.ts';

export interface ConsoleWithTracing {
  readonly tracer: Tracer;
  readonly console: RunningConsole;
  /** Taps beside the function logs: the tracer's (REPORT lines) and the live tail's. */
  readonly sinks: readonly LogSink[];
  stop(): Promise<void>;
}

/** The tracer (exporting to `otlpUrl` when given) and the console over it. */
export async function consoleWithTracing(
  settings: { readonly traces?: number; readonly otlpUrl?: string; readonly secret?: string },
  inputs: Omit<ConsoleInputs, 'tracer' | 'secret'>,
): Promise<ConsoleWithTracing> {
  const tracer = new Tracer({
    ...(settings.traces ? { capacity: settings.traces } : {}),
    grantFor: (functionName, missing) => grantSuggestion(inputs.services(), functionName, missing),
  });
  // The OpenTelemetry SDK loads only for --otlp: a start without it does not pay for it.
  const otlp = settings.otlpUrl
    ? (await import('#local/tracing/otlp-export.ts')).otlpExport(settings.otlpUrl)
    : undefined;
  if (otlp) tracer.subscribe((trace) => otlp.export(trace));
  const running = startConsole({
    ...inputs,
    tracer,
    ...(settings.secret ? { secret: settings.secret } : {}),
  });
  return {
    tracer,
    console: running,
    sinks: [running.logSink],
    async stop() {
      running.close();
      await otlp?.shutdown().catch(() => {});
    },
  };
}
