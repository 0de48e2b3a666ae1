// `npm start`: the whole system on one machine, no AWS account, no Docker.
import { createInterface } from 'node:readline';
import { LOCAL_IDEMPOTENCY_TABLE } from '#src/declaration/idempotency.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { banner } from './banner.ts';
import { parseCliOptions, USAGE } from './cli-options.ts';
import { unknownFaultScope } from './dynamodb/guard/faults.ts';
import { guardBanner } from './dynamodb/guard/guard-banner.ts';
import { formatUnusedPermissions } from './dynamodb/guard/iam/unused-permissions.ts';
import type { ReloadEvent } from './hot-reload.ts';
import { resolveDeployedNode } from './lambda/deployed-runtime.ts';
import { startLocalSystem } from './start-local-system.ts';
import { terminalLogSink } from './terminal-log-sink.ts';
import { removeRuntimeFile, toolFlags, writeRuntimeFile } from './tools/runtime-file.ts';

// Lambda runs in UTC; the local system's own times follow it (instances get TZ=:UTC themselves).
process.env.TZ = 'UTC';
// The AWS SDK's notice about Node 20 concerns this tool's own Node, not the deployed functions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// esbuild's service (a Go process) keeps the incremental build's state for hot reload; Go's
// default GC lets its heap reach twice that (about 220 MB). GOGC=20 keeps it near 80 MB.
process.env.GOGC ??= '20';

/** How long Ctrl-C or SIGTERM lets requests in flight finish before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

function reloadLine(event: ReloadEvent): string {
  if (event.kind === 'failed')
    return `\n  Reload failed — the previous build keeps serving until this is fixed:\n${event.message}\n`;
  const what = event.functions.length > 0 ? event.functions.join(', ') : 'no function changed';
  const rebuilt = `${event.rebuilt.length} ${event.rebuilt.length === 1 ? 'bundle' : 'bundles'} rebuilt`;
  return `  Reloaded in ${event.ms} ms (${rebuilt}): ${what}`;
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}. See npm start -- --help`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  if (options.faults) {
    // A misspelt scope would inject nothing, silently: refused before anything starts. The
    // declarations stay in the module cache, so the start does not load them twice.
    const declared = await loadServices();
    const problem = unknownFaultScope(options.faults, {
      functions: declared.flatMap(({ service }) => service.functions.map((fn) => fn.name)),
      tables: [...declared.map(({ service }) => service.table.name), LOCAL_IDEMPOTENCY_TABLE],
    });
    if (problem) {
      console.error(`npm start: ${problem}. See npm start -- --help`);
      process.exit(2);
    }
  }
  const { iamReport, logView, ...systemOptions } = options;
  const logSink = terminalLogSink(process.stdout, logView);
  const system = await startLocalSystem({
    ...systemOptions,
    logSink,
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
    onReload: (event) => {
      if (event.kind === 'failed' && event.repeated) return; // shown once already
      logSink.flush();
      console.log(reloadLine(event));
    },
  });
  // The tools (token, logs, invoke, cli) find this system through its runtime file.
  // Without it the system still serves; the tools then need --url, so say why.
  await writeRuntimeFile({
    url: system.url,
    port: system.port,
    dataDir: options.dataDir,
    engine: system.dynamodb.engine,
    functionEndpoint: system.guard.functionEndpoint,
    inMemory: options.inMemory,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    flags: process.argv.slice(2),
  }).catch((error: unknown) =>
    console.error(
      `  Could not write the runtime file the tools follow (pass them --url): ${error instanceof Error ? error.message : String(error)}`,
    ),
  );
  // The Node.js the Lambda service chose for the instances, by the same rules (deployed-runtime.ts).
  console.log(banner(system, resolveDeployedNode(), toolFlags(options.dataDir)));
  console.log(guardBanner(system, options.faults ?? [], iamReport));
  if (options.inspect)
    console.log(
      `  Debugger   each function instance listens on 127.0.0.1:${options.inspect.port} and up, as it starts ("Debugger listening on …" in its log); attach with VS Code's "Attach to a function instance" (docs/debugging.md)\n`,
    );
  const printIamReport = () => console.log(formatUnusedPermissions(system.guard.unusedPermissions()));
  // On demand: with --iam-report, every Enter in the terminal prints the report so far.
  if (iamReport) createInterface({ input: process.stdin }).on('line', printIamReport);
  let stopping = false;
  const shutdown = async () => {
    // A second Ctrl-C does not wait for requests in flight.
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n  Stopping: requests in flight have ${SHUTDOWN_GRACE_MS / 1000} s to finish…`);
    if (system.guard.policies.size > 0) printIamReport();
    await removeRuntimeFile(options.dataDir);
    await system.stop();
    logSink.flush();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(
    `Could not start the local system: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
