import { useMemo, useState } from 'preact/hooks';
import { call, query, type TraceSummary } from '../api.ts';
import { useEvent } from '../events.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';

// The server keeps a bounded ring (10,000 traces unless `--console-traces` says otherwise); the
// list asks for as many as the ring holds and shows one page at a time, so the page stays quick
// however full the ring is.
const PAGE = 100;
const FILTERS = ['route', 'status', 'function', 'user'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** Whether a live trace passes the filters as the server applies them to the kept ones. */
export function matches(trace: TraceSummary, filters: Filters): boolean {
  if (filters.route && trace.route !== filters.route) return false;
  if (filters.function && trace.function !== filters.function) return false;
  if (filters.user && trace.user !== filters.user) return false;
  return !filters.status || String(trace.status) === filters.status;
}

interface TraceList {
  traces: TraceSummary[];
  capacity: number;
  kept: number;
}

/** Every kept trace that passes the filters: a first call tells how many the ring holds. */
async function loadTraces(filters: Filters): Promise<TraceList> {
  const first = await call<TraceList>(`traces${query({ ...filters, limit: 1 })}`);
  if (first.kept <= 1) return first;
  return call<TraceList>(`traces${query({ ...filters, limit: first.capacity })}`);
}

export function Traces({ params }: { params: URLSearchParams }) {
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? ''])) as Filters;
  const filterKey = JSON.stringify(filters);
  const loaded = useLoad(() => loadTraces(filters), filterKey);
  const capacity = loaded.data?.capacity ?? Number.POSITIVE_INFINITY;
  const [live, setLive] = useState<TraceSummary[]>([]);
  const [paused, setPaused] = useState(false);
  const [page, setPage] = useState(0);
  const [liveFor, setLiveFor] = useState(filterKey);
  if (liveFor !== filterKey) {
    setLiveFor(filterKey);
    setLive([]);
    setPage(0);
  }

  useEvent<TraceSummary>('trace', (trace) => {
    if (!paused && matches(trace, filters)) setLive((previous) => [trace, ...previous].slice(0, capacity));
  });

  const traces = useMemo(() => {
    const seen = new Set(live.map((trace) => trace.traceId));
    const kept = (loaded.data?.traces ?? []).filter((trace) => !seen.has(trace.traceId));
    return [...live, ...kept].slice(0, capacity);
  }, [live, loaded.data, capacity]);
  const pages = Math.max(1, Math.ceil(traces.length / PAGE));
  const shown = traces.slice(page * PAGE, page * PAGE + PAGE);

  const applyFilters = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const next = Object.fromEntries(FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()]));
    window.location.hash = href('traces', [], next);
  };

  return (
    <section aria-labelledby="traces-title">
      <h1 id="traces-title" tabIndex={-1}>
        Traces
      </h1>
      <form class="filters" onSubmit={applyFilters} aria-label="Filter traces">
        {FILTERS.map((name) => (
          <div class="field" key={`${name}-${filterKey}`}>
            <label for={`trace-${name}`}>{name[0]?.toUpperCase() + name.slice(1)}</label>
            <input
              id={`trace-${name}`}
              name={name}
              defaultValue={filters[name]}
              placeholder={name === 'status' ? 'e.g. 503' : name === 'route' ? 'e.g. /products/{id}' : ''}
            />
          </div>
        ))}
        <button type="submit">Filter</button>
        <label class="inline">
          <input type="checkbox" checked={!paused} onChange={(e) => setPaused(!e.currentTarget.checked)} />{' '}
          Live
        </label>
      </form>
      {loaded.error && <p role="alert">Could not load the traces: {loaded.error}</p>}
      <p class="muted" aria-live="polite">
        {traces.length} trace{traces.length === 1 ? '' : 's'}
        {loaded.data ? ` (the ring keeps ${loaded.data.capacity})` : ''}
        {paused ? ' (live updates paused)' : ''}
      </p>
      <table class="grid traces">
        <caption class="visually-hidden">Traces, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Request</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Function</th>
            <th scope="col">User</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((trace) => (
            <tr key={trace.traceId}>
              <td>{new Date(trace.startTime).toLocaleTimeString()}</td>
              <td>
                <a href={href('traces', [trace.traceId])}>
                  {trace.method} {trace.path}
                </a>
              </td>
              <td class={trace.status >= 400 ? 'status bad' : 'status ok'}>{trace.status}</td>
              <td>
                {trace.durationMs.toFixed(1)} ms{trace.cold ? ' · cold' : ''}
              </td>
              <td>{trace.function ?? '—'}</td>
              <td>{trace.user ?? 'anonymous'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 && (
        <nav class="pager" aria-label="Trace pages">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Newer
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
            Older
          </button>
        </nav>
      )}
    </section>
  );
}
