import { type ILogGroup, QueryDefinition, QueryString, type QueryStringProps } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** What to replace in the correlation query before running it. */
export const REQUEST_ID_PLACEHOLDER = 'PASTE-REQUEST-ID';

/** A saved query: its title, the log groups it reads and its Logs Insights statements. */
export interface SavedQuery {
  readonly title: string;
  /** `functions`: every function's log group; `all`: those and the stage's access log. */
  readonly logs: 'functions' | 'all';
  readonly query: QueryStringProps;
}

/**
 * The saved Logs Insights queries, as pure data so that local tooling can read the same ones.
 * Field names are those of the functions' JSON lines (Powertools), Lambda's JSON platform lines
 * and the stage's access log (`ACCESS_LOG_FIELDS` in infra/rest-api.ts).
 */
export const LOG_QUERIES: Readonly<Record<string, SavedQuery>> = {
  errorsByFunction: {
    title: 'errors by function, with their cause',
    logs: 'functions',
    query: {
      fields: [
        '@timestamp',
        'function_name',
        'correlation_id',
        'error.name',
        'error.message',
        'error.location',
        'error.cause.name',
        'error.cause.message',
      ],
      filterStatements: ['level = "ERROR"'],
      sort: '@timestamp desc',
      limit: 100,
    },
  },
  slowestRequests: {
    title: 'slowest requests',
    logs: 'functions',
    query: {
      fields: [
        '@timestamp',
        'function_name',
        'method',
        'route',
        'status',
        'durationMs',
        'correlation_id',
        'cold_start',
      ],
      filterStatements: ['message = "request completed"'],
      sort: 'durationMs desc',
      limit: 50,
    },
  },
  coldStartsByFunction: {
    title: 'cold starts by function',
    logs: 'functions',
    query: {
      filterStatements: ['type = "platform.report"', 'ispresent(record.metrics.initDurationMs)'],
      statsStatements: [
        'count(*) as coldStarts, avg(record.metrics.initDurationMs) as avgInitMs, max(record.metrics.initDurationMs) as maxInitMs by @log',
      ],
      sort: 'coldStarts desc',
    },
  },
  oneRequest: {
    title: `one request, by its id (replace ${REQUEST_ID_PLACEHOLDER})`,
    logs: 'all',
    query: {
      fields: [
        '@timestamp',
        '@log',
        'status',
        'level',
        'message',
        'durationMs',
        'responseLatency',
        '@message',
      ],
      filterStatements: [
        `requestId = "${REQUEST_ID_PLACEHOLDER}" or correlation_id = "${REQUEST_ID_PLACEHOLDER}" or record.requestId = "${REQUEST_ID_PLACEHOLDER}"`,
      ],
      sort: '@timestamp asc',
      limit: 200,
    },
  },
};

/**
 * Saves each query of {@link LOG_QUERIES} in the stack, in a folder named after it, on the log
 * groups it reads: the functions' groups, or those plus the stage's access log.
 */
export function savedLogQueries(
  scope: Construct,
  stackName: string,
  functionLogs: readonly ILogGroup[],
  accessLogs: ILogGroup,
): QueryDefinition[] {
  return Object.entries(LOG_QUERIES).map(
    ([id, { title, logs, query }]) =>
      new QueryDefinition(scope, `Query${id.charAt(0).toUpperCase()}${id.slice(1)}`, {
        queryDefinitionName: `${stackName}/${title}`,
        queryString: new QueryString(query as ConstructorParameters<typeof QueryString>[0]),
        logGroups: logs === 'all' ? [accessLogs, ...functionLogs] : [...functionLogs],
      }),
  );
}
