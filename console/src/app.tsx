import { useEffect, useRef } from 'preact/hooks';
import { href, useLocation } from './router.ts';
import { Explorer } from './views/explorer.tsx';
import { Logs } from './views/logs.tsx';
import { OverviewView } from './views/overview.tsx';
import { SwitchesView } from './views/switches.tsx';
import { Tables } from './views/tables.tsx';
import { TraceView } from './views/trace-view.tsx';
import { Traces } from './views/traces.tsx';

const views = [
  ['overview', 'Overview'],
  ['explorer', 'API explorer'],
  ['traces', 'Traces'],
  ['logs', 'Logs'],
  ['tables', 'Tables'],
  ['switches', 'Faults and switches'],
] as const;

export function App() {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const title = views.find(([view]) => view === location.view)?.[1] ?? 'Not found';
  // Moving focus to the view's heading tells keyboard and screen-reader users that the view changed.
  useEffect(() => {
    document.title = `${title} · Local console`;
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [title, location.rest.join('/')]);

  return (
    <>
      <button type="button" class="skip" onClick={() => main.current?.focus()}>
        Skip to the view
      </button>
      <header class="top">
        <span class="brand">Local console</span>
        <nav aria-label="Views">
          <ul>
            {views.map(([view, label]) => (
              <li key={view}>
                <a href={href(view)} aria-current={location.view === view ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Route view={location.view} rest={location.rest} params={location.params} />
      </main>
    </>
  );
}

function Route({ view, rest, params }: { view: string; rest: string[]; params: URLSearchParams }) {
  switch (view) {
    case 'overview':
      return <OverviewView focus={params.get('function') ?? undefined} />;
    case 'explorer':
      return <Explorer />;
    case 'traces':
      return rest[0] ? (
        <TraceView traceId={rest[0]} spanId={params.get('span') ?? undefined} />
      ) : (
        <Traces params={params} />
      );
    case 'logs':
      return <Logs params={params} />;
    case 'tables':
      return <Tables table={rest[0]} />;
    case 'switches':
      return <SwitchesView />;
    default:
      return (
        <h1 tabIndex={-1}>
          No view named “{view}”: <a href={href('overview')}>back to the overview</a>
        </h1>
      );
  }
}
