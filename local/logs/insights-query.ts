// Runs the stack's saved Logs Insights queries (infra/observability/log-queries.ts) on the logs
// kept locally. It understands the part of the query language those queries use — field lists,
// `filter` with =, != and ispresent() joined by `and`/`or`, `stats` with count/avg/min/max/sum
// `by` fields, `sort` and `limit` — and refuses anything else rather than guess.
import type { LogEvent } from './read-logs.ts';

/** The statements of a saved query, as CDK's `QueryString` takes them. */
export interface QueryStatements {
  readonly fields?: readonly string[];
  readonly filterStatements?: readonly string[];
  readonly statsStatements?: readonly string[];
  readonly sort?: string;
  /** CDK types it as the `Number` wrapper. */
  readonly limit?: number | { valueOf(): number };
}

export type ResultRow = Readonly<Record<string, unknown>>;

/**
 * The rows a query gives over these events, as Logs Insights would list them.
 *
 * @example
 * runInsightsQuery(LOG_QUERIES.slowestRequests.query, readLogEvents('.data/logs'));
 */
export function runInsightsQuery(query: QueryStatements, events: readonly LogEvent[]): ResultRow[] {
  const filters = (query.filterStatements ?? []).map(parseCondition);
  const matching = events.filter((event) => filters.every((test) => test(event)));
  let rows: Record<string, unknown>[];
  if (query.statsStatements?.length) {
    if (query.statsStatements.length > 1) throw unsupported(query.statsStatements.join(' | '));
    rows = stats(query.statsStatements[0] ?? '', matching);
  } else {
    const fields = query.fields ?? ['@timestamp', '@message'];
    rows = matching.map((event) => Object.fromEntries(fields.map((name) => [name, fieldOf(event, name)])));
  }
  if (query.sort) sortRows(rows, query.sort);
  return query.limit === undefined ? rows : rows.slice(0, Number(query.limit));
}

function unsupported(text: string): Error {
  return new Error(`The local logs cannot run this part of a Logs Insights query: ${text}`);
}

/** A field of an event: `@timestamp`, `@log`, `@logStream`, `@message`, or a dotted JSON path. */
function fieldOf(event: LogEvent, name: string): unknown {
  if (name === '@timestamp') return new Date(event.timestamp).toISOString();
  if (name === '@log') return event.logGroup;
  if (name === '@logStream') return event.logStream;
  if (name === '@message') return event.message;
  let value: unknown = event.fields;
  for (const part of name.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

const COMPARISON = /^([@\w.]+)\s*(=|!=)\s*(?:"([^"]*)"|(-?[\d.]+)|(true|false))$/;
const PRESENT = /^ispresent\(([@\w.]+)\)$/;

function parseCondition(text: string): (event: LogEvent) => boolean {
  const alternatives = text.split(/\s+or\s+/).map((part) => part.split(/\s+and\s+/).map(parseTerm));
  return (event) => alternatives.some((terms) => terms.every((term) => term(event)));
}

function parseTerm(text: string): (event: LogEvent) => boolean {
  const term = text.trim();
  const present = PRESENT.exec(term);
  if (present) return (event) => fieldOf(event, present[1] ?? '') !== undefined;
  const comparison = COMPARISON.exec(term);
  if (!comparison) throw unsupported(term);
  const [, field = '', operator, text_, number, boolean] = comparison;
  const expected = text_ ?? (number !== undefined ? Number(number) : boolean === 'true');
  return (event) => (fieldOf(event, field) === expected) === (operator === '=');
}

const AGGREGATE = /^(count|avg|min|max|sum)\(([@\w.*]+)\)\s+as\s+(\w+)$/;

function stats(statement: string, events: readonly LogEvent[]): Record<string, unknown>[] {
  const [aggregatesText = '', byText] = statement.split(/\s+by\s+/);
  const groupBy = byText ? byText.split(',').map((name) => name.trim()) : [];
  const aggregates = aggregatesText.split(',').map((part) => {
    const match = AGGREGATE.exec(part.trim());
    if (!match) throw unsupported(part.trim());
    return { fn: match[1] ?? '', field: match[2] ?? '', as: match[3] ?? '' };
  });
  const groups = new Map<string, LogEvent[]>();
  for (const event of events) {
    const key = JSON.stringify(groupBy.map((name) => fieldOf(event, name)));
    const members = groups.get(key);
    if (members) members.push(event);
    else groups.set(key, [event]);
  }
  return [...groups.entries()].map(([key, members]) => {
    const row: Record<string, unknown> = Object.fromEntries(
      groupBy.map((name, i) => [name, JSON.parse(key)[i]]),
    );
    for (const { fn, field, as } of aggregates) {
      const values = members
        .map((event) => fieldOf(event, field))
        .filter((v): v is number => typeof v === 'number');
      if (fn === 'count') row[as] = field === '*' ? members.length : values.length;
      else if (values.length === 0) row[as] = null;
      else if (fn === 'avg') row[as] = values.reduce((a, b) => a + b, 0) / values.length;
      else if (fn === 'sum') row[as] = values.reduce((a, b) => a + b, 0);
      else row[as] = fn === 'min' ? Math.min(...values) : Math.max(...values);
    }
    return row;
  });
}

function sortRows(rows: Record<string, unknown>[], sort: string): void {
  const [field = '', direction = 'asc'] = sort.trim().split(/\s+/);
  const sign = direction === 'desc' ? -1 : 1;
  rows.sort((a, b) => {
    const x = a[field];
    const y = b[field];
    if (x === y) return 0;
    if (x === undefined || x === null) return 1;
    if (y === undefined || y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}
