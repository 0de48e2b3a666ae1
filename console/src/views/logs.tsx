import { useState } from 'preact/hooks';
import { call, type LogLine, query } from '../api.ts';
import { useEvent } from '../events.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';

// The filters of `npm run logs`: function (log group), level, text, time window, request id.
const FILTERS = ['function', 'level', 'text', 'since', 'until', 'requestId'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const LEVELS = ['', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
// The most lines the server answers with (the newest); the live tail keeps as many.
const SHOWN = 1000;

export function matches(line: LogLine, filters: Filters): boolean {
  if (filters.function && line.function !== filters.function) return false;
  if (filters.level && line.level && LEVELS.indexOf(line.level) < LEVELS.indexOf(filters.level)) return false;
  if (filters.requestId && line.requestId !== filters.requestId) return false;
  if (filters.text && !line.raw.toLowerCase().includes(filters.text.toLowerCase())) return false;
  // A live line is new: it is inside any window that has no end.
  return !filters.until;
}

export function Logs({ params }: { params: URLSearchParams }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
  const filterKey = JSON.stringify(filters);
  const loaded = useLoad(
    () => call<{ lines: LogLine[] }>(`logs${query({ ...filters, limit: SHOWN })}`),
    filterKey,
  );
  const [tail, setTail] = useState<LogLine[]>([]);
  const [following, setFollowing] = useState(true);
  const [tailFor, setTailFor] = useState(filterKey);
  if (tailFor !== filterKey) {
    setTailFor(filterKey);
    setTail([]);
  }
  useEvent<LogLine>('log', (line) => {
    if (following && matches(line, filters)) setTail((previous) => [...previous, line].slice(-SHOWN));
  });
  const lines = [...(loaded.data?.lines ?? []), ...tail].slice(-SHOWN);

  const apply = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    window.location.hash = href(
      'logs',
      [],
      Object.fromEntries(FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()])),
    );
  };

  return (
    <section aria-labelledby="logs-title">
      <h1 id="logs-title" tabIndex={-1}>
        Logs
      </h1>
      <form class="filters" onSubmit={apply} aria-label="Filter log lines" key={filterKey}>
        <div class="field">
          <label for="log-function">Function (log group)</label>
          <input id="log-function" name="function" defaultValue={filters.function} />
        </div>
        <div class="field">
          <label for="log-level">Level at least</label>
          <select id="log-level" name="level" defaultValue={filters.level}>
            {LEVELS.map((level) => (
              <option key={level} value={level}>
                {level || 'any'}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="log-text">Text</label>
          <input id="log-text" name="text" defaultValue={filters.text} />
        </div>
        <div class="field">
          <label for="log-since">Since</label>
          <input
            id="log-since"
            name="since"
            defaultValue={filters.since}
            placeholder="ISO 8601 or epoch ms"
          />
        </div>
        <div class="field">
          <label for="log-until">Until</label>
          <input id="log-until" name="until" defaultValue={filters.until} />
        </div>
        <div class="field">
          <label for="log-request">Request id</label>
          <input id="log-request" name="requestId" defaultValue={filters.requestId} />
        </div>
        <button type="submit">Filter</button>
        <label class="inline">
          <input
            type="checkbox"
            checked={following}
            onChange={(e) => setFollowing(e.currentTarget.checked)}
          />{' '}
          Live tail
        </label>
      </form>
      {loaded.error && <p role="alert">Could not load the log lines: {loaded.error}</p>}
      <ol class="log-lines" aria-label="Log lines, oldest first">
        {lines.map((line, index) => (
          <li key={`${index}-${line.timestamp}`} class={`level-${(line.level ?? 'none').toLowerCase()}`}>
            <span class="log-meta">
              {new Date(line.timestamp).toLocaleTimeString()} {line.function} {line.level ?? ''}
            </span>{' '}
            {line.traceId ? (
              <a href={href('traces', [line.traceId])} title="Open the trace of this request">
                trace
              </a>
            ) : (
              line.requestId && <a href={href('logs', [], { requestId: line.requestId })}>request</a>
            )}{' '}
            <span class="log-message">{line.message}</span>
          </li>
        ))}
      </ol>
      {lines.length === 0 && !loaded.loading && <p class="muted">No log line matches.</p>}
      <SavedQueries requestId={filters.requestId} />
    </section>
  );
}

interface SavedQuery {
  name: string;
  title?: string;
  query: Record<string, unknown> | string;
}

function SavedQueries({ requestId }: { requestId: string }) {
  const queries = useLoad(() => call<{ queries: SavedQuery[] }>('queries'), 'queries');
  const [result, setResult] = useState<{ name: string; rows?: Record<string, unknown>[]; error?: string }>();
  const [forRequest, setForRequest] = useState(requestId);
  const run = async (name: string) => {
    try {
      const answer = await call<{ rows: Record<string, unknown>[] }>('queries/run', {
        method: 'POST',
        body: { query: name, ...(forRequest ? { requestId: forRequest } : {}) },
      });
      setResult({ name, rows: answer.rows });
    } catch (error) {
      setResult({ name, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const columns = [...new Set((result?.rows ?? []).flatMap((row) => Object.keys(row)))];
  return (
    <section aria-labelledby="queries-title">
      <h2 id="queries-title">Saved queries</h2>
      <p class="hint">The Logs Insights queries the stack deploys, run here on the kept logs.</p>
      <div class="field">
        <label for="query-request">Request id (for the queries that follow one request)</label>
        <input id="query-request" value={forRequest} onInput={(e) => setForRequest(e.currentTarget.value)} />
      </div>
      {queries.error && <p role="alert">Could not load the saved queries: {queries.error}</p>}
      <ul class="queries">
        {(queries.data?.queries ?? []).map((saved) => (
          <li key={saved.name}>
            <details>
              <summary>{saved.title ?? saved.name}</summary>
              <pre>
                {typeof saved.query === 'string' ? saved.query : JSON.stringify(saved.query, null, 2)}
              </pre>
            </details>
            <button type="button" onClick={() => run(saved.name)}>
              Run {saved.name}
            </button>
          </li>
        ))}
      </ul>
      <div aria-live="polite">
        {result?.error && <p role="alert">{result.error}</p>}
        {result?.rows && (
          <table class="grid">
            <caption>
              {result.name}: {result.rows.length} row{result.rows.length === 1 ? '' : 's'}
            </caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th scope="col" key={column}>
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row, index) => (
                <tr key={index}>
                  {columns.map((column) => (
                    <td key={column}>
                      {typeof row[column] === 'object'
                        ? JSON.stringify(row[column])
                        : String(row[column] ?? '')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
