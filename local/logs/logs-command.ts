// `npm run logs`: reads the functions' logs that `npm start` keeps, as CloudWatch Logs would show
// them, filters them, follows them, and runs the stack's saved Logs Insights queries on them.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { LOG_QUERIES, REQUEST_ID_PLACEHOLDER } from '#infra/observability/log-queries.ts';
import { DEFAULT_DATA_DIR, dataFolder } from '#local/private-data-folder.ts';
import { LOGS_FOLDER } from '#local/start-local-system.ts';
import { runInsightsQuery } from './insights-query.ts';
import { LAMBDA_LOG_GROUP_PREFIX } from './log-groups.ts';
import { type LogEvent, type LogFilter, type ReadPositions, readLogEvents } from './read-logs.ts';

export const LOGS_USAGE = `Usage: npm run logs -- [function ...] [options]

  function ...           only these functions' log groups, e.g. products-create (default: all)
  --since <age>          only events newer than this: 30s, 10m, 2h, 1d (default 1h)
  --level <level>        only lines at this level or above: TRACE DEBUG INFO WARN ERROR
  --filter <text>        only events containing this text
  --follow               keep printing new events as they are written (Ctrl-C to stop)
  --query <name>         run a saved Logs Insights query of the stack instead: ${Object.keys(LOG_QUERIES).join(', ')}
  --request-id <id>      the id the oneRequest query follows
  --data-dir <dir>       the data folder of npm start (env DATA_DIR, default ${DEFAULT_DATA_DIR})
  --json                 print the raw JSON events
  --help                 this text`;

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

/** Runs the command with these arguments, printing through `print`; resolves with the exit code. */
export async function runLogsCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void,
  signal?: AbortSignal,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      since: { type: 'string' },
      level: { type: 'string' },
      filter: { type: 'string' },
      follow: { type: 'boolean' },
      query: { type: 'string' },
      'request-id': { type: 'string' },
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    print(LOGS_USAGE);
    return 0;
  }
  const dir = path.join(dataFolder(values['data-dir'], env), LOGS_FOLDER);
  const filter: LogFilter = {
    functions: positionals,
    since: Date.now() - parseAge(values.since ?? '1h'),
    ...(values.level ? { level: values.level } : {}),
    ...(values.filter ? { contains: values.filter } : {}),
  };
  if (values.query) {
    const saved = LOG_QUERIES[values.query];
    if (!saved)
      throw new Error(`No saved query "${values.query}"; there are ${Object.keys(LOG_QUERIES).join(', ')}`);
    const requestId = values['request-id'] ?? '';
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
