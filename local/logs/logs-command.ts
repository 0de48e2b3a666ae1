// `npm run logs`: reads the functions' logs that `npm start` keeps, as CloudWatch Logs would show
// them, filters them, follows them, and runs the stack's saved Logs Insights queries on them.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, Option } from 'commander';
import { LOG_QUERIES, REQUEST_ID_PLACEHOLDER } from '#infra/observability/log-queries.ts';
import { DEFAULT_DATA_DIR, dataFolder } from '#local/private-data-folder.ts';
import { LOGS_FOLDER } from '#local/start-local-system.ts';
import { listOf, parseCommandLine } from '#local/tools/command-line.ts';
import { npmCommand, readRuntimeFile } from '#local/tools/runtime-file.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { LOG_SEVERITIES } from '#src/declaration/log-levels.ts';
import { runInsightsQuery } from './insights-query.ts';
import { LAMBDA_LOG_GROUP_PREFIX } from './log-groups.ts';
import { ACCESS_LOG_FOLDER } from './log-store.ts';
import { type LogEvent, type LogFilter, type ReadPositions, readLogEvents } from './read-logs.ts';

/** `npm run logs`'s command line. */
export function logsCommand(): Command {
  return new Command('npm run logs --')
    .usage('[function ...] [options]')
    .description(
      "Reads the functions' logs that npm start keeps in its data folder, as CloudWatch Logs shows them.",
    )
    .argument('[function...]', "only these functions' log groups, e.g. products-create (default: all)")
    .option('--since <age>', 'only events newer than this: 30s, 10m, 2h, 1d (default 1h)')
    .option('--level <level>', `only lines at this level or above: ${LOG_SEVERITIES.join(' ')}`)
    .option('--filter <text>', 'only events containing this text')
    .option('--follow', 'keep printing new events as they are written (Ctrl-C to stop)')
    .addOption(
      new Option('--query <name>', 'run a saved Logs Insights query of the stack instead').choices(
        Object.keys(LOG_QUERIES),
      ),
    )
    .option('--request-id <id>', 'the id the oneRequest query follows')
    .option('--data-dir <dir>', `the data folder of npm start (env DATA_DIR, default ${DEFAULT_DATA_DIR})`)
    .option('--json', 'print the raw JSON events')
    .helpOption('--help', 'this text')
    .addHelpText(
      'after',
      `
Examples:
  npm run logs -- products-create --since 10m --level warn
  npm run logs -- --query coldStartsByFunction`,
    );
}

/** `npm run logs`'s help text. */
export const LOGS_USAGE = (() => {
  const parsed = parseCommandLine(logsCommand(), ['--help']);
  return parsed.kind === 'help' ? parsed.text : '';
})();

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m` → milliseconds. */
export function parseAge(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new Error(`--since takes an age such as 30s, 10m, 2h or 1d, not "${text}"`);
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1_000);
}

/** One event for the terminal: time, function, and the message (compact unless `json`). */
export function formatEvent(event: LogEvent, json: boolean): string {
  const fn = event.logGroup.replace(LAMBDA_LOG_GROUP_PREFIX, '');
  return `${new Date(event.timestamp).toISOString()}  ${fn}  ${json ? JSON.stringify(event) : event.message}`;
}

/**
 * Runs the command with these arguments, printing through `print`; resolves with the exit code.
 * A wrong folder, an unknown function, level or query, or a bad age rejects with one line saying
 * what exists.
 */
export async function runLogsCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const parsed = parseCommandLine(logsCommand(), argv);
  if (parsed.kind === 'help') {
    print(parsed.text);
    return 0;
  }
  const values = parsed.options as {
    since?: string;
    level?: string;
    filter?: string;
    follow?: boolean;
    query?: string;
    requestId?: string;
    dataDir?: string;
    json?: boolean;
  };
  const functions = [...parsed.args];
  const dataDir = dataFolder(values.dataDir, env);
  const dir = path.join(dataDir, LOGS_FOLDER);
  const since = Date.now() - parseAge(values.since ?? '1h');
  if (values.level && !(LOG_SEVERITIES as readonly string[]).includes(values.level.toUpperCase()))
    throw new Error(`--level must be one of ${listOf(LOG_SEVERITIES)}, not "${values.level}"`);
  if (!existsSync(dir)) throw new Error(noLogsMessage(dataDir));
  await checkFunctions(functions, dir);
  const filter: LogFilter = {
    functions,
    since,
    ...(values.level ? { level: values.level } : {}),
    ...(values.filter ? { contains: values.filter } : {}),
  };
  if (values.query) {
    const saved = LOG_QUERIES[values.query];
    if (!saved) throw new Error(`No saved query "${values.query}"`); // commander's choices refused it already
    const requestId = values.requestId ?? '';
    const filterStatements = saved.query.filterStatements?.map((statement) => {
      if (statement.includes(REQUEST_ID_PLACEHOLDER) && !requestId)
        throw new Error(`--query ${values.query} needs --request-id`);
      return statement.replaceAll(REQUEST_ID_PLACEHOLDER, requestId);
    });
    print(`# ${saved.title} (${dir})`);
    const rows = runInsightsQuery(
      { ...saved.query, ...(filterStatements ? { filterStatements } : {}) },
      readLogEvents(dir, filter),
    );
    for (const row of rows) print(JSON.stringify(row));
    return 0;
  }
  const positions: ReadPositions = new Map();
  for (const event of readLogEvents(dir, filter, positions)) print(formatEvent(event, values.json === true));
  while (values.follow && !signal?.aborted) {
    await sleep(250, undefined, { signal }).catch(() => {});
    for (const event of readLogEvents(dir, filter, positions))
      print(formatEvent(event, values.json === true));
  }
  return 0;
}

/** Why a data folder has no logs, and what to do about it. */
function noLogsMessage(dataDir: string): string {
  const running = readRuntimeFile(dataDir);
  if (running?.inMemory)
    return `The system running on ${dataDir} keeps no logs (it was started with --in-memory)`;
  return `No logs in ${dataDir}: npm start keeps them in ${LOGS_FOLDER}/ there. Start the system (${npmCommand('start', dataDir)}), or pass the --data-dir it runs with`;
}

/**
 * Refuses a function that is neither declared nor has logs (a typo would otherwise print nothing
 * and look like a quiet function). A declared one without logs yet is fine: it has not run.
 */
async function checkFunctions(names: readonly string[], dir: string): Promise<void> {
  if (names.length === 0) return;
  const logged = readdirSync(dir).filter((name) => name !== ACCESS_LOG_FOLDER);
  if (names.every((name) => logged.includes(name))) return;
  const declared = (await loadServices()).flatMap(({ service }) => service.functions.map((fn) => fn.name));
  const known = [...new Set([...declared, ...logged])].sort();
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new Error(
      `No function ${unknown.map((name) => `"${name}"`).join(', ')}; there are ${listOf(known)}`,
    );
}
