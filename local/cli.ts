// `npm start`: the whole system on one machine, no AWS account, no Docker.
import { createInterface } from 'node:readline';
import { banner } from './banner.ts';
import { parseCliOptions, USAGE } from './cli-options.ts';
import { guardBanner } from './dynamodb/guard-banner.ts';
import { formatUnusedPermissions } from './dynamodb/iam/unused-permissions.ts';
import { startLocalSystem } from './start-local-system.ts';
import { terminalLogSink } from './terminal-log-sink.ts';

// Lambda runs in UTC, and worker threads share this process's time zone (Node applies TZ at once).
process.env.TZ = 'UTC';
// The AWS SDK's notice about Node 20 concerns this tool's own Node, not the deployed functions.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  let options: ReturnType<typeof parseCliOptions>;
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  const { iamReport, ...systemOptions } = options;
  const system = await startLocalSystem({ ...systemOptions, logSink: terminalLogSink(process.stdout) });
  console.log(banner(system));
  console.log(guardBanner(system, options.faults ?? [], iamReport));
  const printIamReport = () => console.log(formatUnusedPermissions(system.guard.unusedPermissions()));
  // On demand: with --iam-report, every Enter in the terminal prints the report so far.
  if (iamReport) createInterface({ input: process.stdin }).on('line', printIamReport);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\n  Stopping…');
    if (system.guard.policies.size > 0) printIamReport();
    await system.stop();
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
