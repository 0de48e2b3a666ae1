import { useEffect } from 'preact/hooks';
import { call, type Overview } from '../api.ts';
import { useEvent } from '../events.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';
import { Diagram } from './diagram.tsx';

/** The overview; `focus` names a function to scroll to (links from traces and routes). */
export function OverviewView({ focus }: { focus?: string }) {
  const overview = useLoad(() => call<Overview>('overview'), 'overview');
  useEffect(() => {
    if (focus && overview.data) document.getElementById(`fn-${focus}`)?.scrollIntoView();
  }, [focus, overview.data]);
  // A reload of the declarations (hot reload) changes what runs: show the new declarations.
  useEvent<{ generation: number }>('reload', (event) => {
    if (event.generation !== overview.data?.generation) overview.reload();
  });
  const data = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title" tabIndex={-1}>
        Overview
      </h1>
      {overview.error && <p role="alert">Could not load the overview: {overview.error}</p>}
      {data && (
        <>
          <p class="muted">
            Declarations as running now (generation {data.generation}); this view updates on each reload.
          </p>
          <Diagram overview={data} />
          <h2>Services and routes</h2>
          {data.services.map((service) => (
            <table key={service.name} class="grid">
              <caption>{service.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Method</th>
                  <th scope="col">Path</th>
                  <th scope="col">Access</th>
                  <th scope="col">Function</th>
                </tr>
              </thead>
              <tbody>
                {service.routes.map((route) => (
                  <tr key={`${route.method} ${route.path}`}>
                    <td>
                      <code>{route.method}</code>
                    </td>
                    <td>
                      <code>{route.path}</code>
                    </td>
                    <td>{route.access}</td>
                    <td>
                      <a href={href('overview', [], { function: route.function })}>{route.function}</a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
          <h2>Functions</h2>
          {data.functions.map((fn) => (
            <article key={fn.name} id={`fn-${fn.name}`} class={focus === fn.name ? 'card focused' : 'card'}>
              <h3>{fn.name}</h3>
              <p>
                {fn.runtime} · {fn.memoryMb} MB · timeout {fn.timeoutSeconds} s ·{' '}
                <a href={href('traces', [], { function: fn.name })}>traces</a> ·{' '}
                <a href={href('logs', [], { function: fn.name })}>logs</a>
              </p>
              <h4>Permissions</h4>
              <ul>
                {fn.permissions.map((permission) => (
                  <li key={permission.actions.join()}>
                    <code>{permission.actions.join(', ')}</code> on{' '}
                    {permission.resources.map((resource) => (
                      <code key={resource} class="resource">
                        {resource}
                      </code>
                    ))}
                  </li>
                ))}
              </ul>
              <h4>Not used since start</h4>
              {fn.unusedPermissions.length === 0 ? (
                <p class="muted">Every permission has been used.</p>
              ) : (
                <ul>
                  {fn.unusedPermissions.map((unused) => (
                    <li key={`${unused.action} ${unused.resource}`}>
                      <code>{unused.action}</code> on <code class="resource">{unused.resource}</code>
                    </li>
                  ))}
                </ul>
              )}
            </article>
          ))}
          <h2>Tables</h2>
          <table class="grid">
            <caption>Tables with their keys and indexes</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Partition key</th>
                <th scope="col">Sort key</th>
                <th scope="col">Indexes</th>
              </tr>
            </thead>
            <tbody>
              {data.tables.map((table) => (
                <tr key={table.name}>
                  <td>
                    <a href={href('tables', [table.name])}>{table.name}</a>
                  </td>
                  <td>{table.partitionKey}</td>
                  <td>{table.sortKey ?? '—'}</td>
                  <td>
                    {table.indexes.length === 0
                      ? '—'
                      : table.indexes
                          .map(
                            (index) =>
                              `${index.name} (${index.partitionKey}${index.sortKey ? `, ${index.sortKey}` : ''})`,
                          )
                          .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
