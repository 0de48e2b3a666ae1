import { call, type Span, type Trace } from '../api.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';
import { CopyButton } from './copy-button.tsx';

/** Spans in start order, each with its depth under its parent, for the waterfall's indentation. */
export function ordered(spans: readonly Span[]): { span: Span; depth: number }[] {
  const byParent = new Map<string | undefined, Span[]>();
  const ids = new Set(spans.map((span) => span.spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    byParent.set(parent, [...(byParent.get(parent) ?? []), span]);
  }
  const rows: { span: Span; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number) => {
    for (const span of (byParent.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      rows.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return rows;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** An attribute that holds JSON text (OpenTelemetry attributes are flat), as its value. */
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function TraceView({ traceId, spanId }: { traceId: string; spanId?: string }) {
  const loaded = useLoad(() => call<Trace>(`traces/${encodeURIComponent(traceId)}`), traceId);
  const trace = loaded.data;
  if (loaded.error) {
    return (
      <section>
        <h1 tabIndex={-1}>Trace</h1>
        <p role="alert">
          Could not load trace {traceId}: {loaded.error}
        </p>
        <a href={href('traces')}>All traces</a>
      </section>
    );
  }
  if (!trace) return <h1 tabIndex={-1}>Trace</h1>;
  const { summary } = trace;
  const rows = ordered(trace.spans);
  const start = Math.min(summary.startTime, ...trace.spans.map((span) => span.startTime));
  const end = Math.max(
    summary.startTime + summary.durationMs,
    ...trace.spans.map((span) => span.startTime + span.durationMs),
  );
  const total = Math.max(end - start, 0.001);
  const selected = trace.spans.find((span) => span.spanId === spanId) ?? denied(trace.spans) ?? rows[0]?.span;
  return (
    <section aria-labelledby="trace-title">
      <h1 id="trace-title" tabIndex={-1}>
        {summary.method} {summary.path} → {summary.status}
      </h1>
      <p>
        {new Date(summary.startTime).toLocaleString()} · {summary.durationMs.toFixed(1)} ms ·{' '}
        {summary.user ?? 'anonymous'} · request id <code>{summary.requestId}</code>
      </p>
      <p>
        <a href={href('logs', [], { requestId: summary.requestId })}>Log lines of this request</a>
        {summary.function && (
          <>
            {' · '}
            <a href={href('overview', [], { function: summary.function })}>Function {summary.function}</a>
            {' · '}
            <a href={href('traces', [], { function: summary.function })}>Its other traces</a>
          </>
        )}
        {' · '}
        <a href={href('traces')}>All traces</a>
      </p>
      <h2>Waterfall</h2>
      <ol class="waterfall" aria-label="Spans by start time">
        {rows.map(({ span, depth }) => {
          const left = ((span.startTime - start) / total) * 100;
          const width = Math.max((span.durationMs / total) * 100, 0.4);
          const decision = span.attributes['local.iam.decision'];
          return (
            <li key={span.spanId} class={span.spanId === selected?.spanId ? 'selected' : undefined}>
              <a
                href={href('traces', [traceId], { span: span.spanId })}
                aria-current={span.spanId === selected?.spanId ? 'true' : undefined}
                style={{ paddingLeft: `${depth}rem` }}
              >
                <span class="span-name">
                  {span.name}
                  {decision ? ` · IAM ${decision}` : ''}
                  {span.attributes['local.fault'] ? ' · fault' : ''}
                </span>
                <span class="span-time">{span.durationMs.toFixed(2)} ms</span>
              </a>
              <span class="track" aria-hidden="true">
                <span
                  class={`bar ${span.kind} ${span.status === 'error' ? 'error' : ''}`}
                  style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }}
                />
              </span>
            </li>
          );
        })}
      </ol>
      {selected && <SpanDetails span={selected} offset={selected.startTime - start} />}
    </section>
  );
}

function denied(spans: readonly Span[]): Span | undefined {
  return spans.find((span) => span.attributes['local.iam.decision'] === 'deny');
}

function SpanDetails({ span, offset }: { span: Span; offset: number }) {
  const attributes = span.attributes;
  const missing = parsed(attributes['local.iam.missing']) as
    | { action?: string; resource?: string }
    | undefined;
  const grant = attributes['local.iam.grant'];
  return (
    <section aria-labelledby="span-title" class="card span-details">
      <h2 id="span-title">Span: {span.name}</h2>
      <p>
        starts at +{offset.toFixed(2)} ms · lasts {span.durationMs.toFixed(2)} ms · {span.kind} ·{' '}
        {span.status}
      </p>
      {attributes['local.iam.decision'] && (
        <div class={attributes['local.iam.decision'] === 'deny' ? 'iam deny' : 'iam allow'}>
          <h3>IAM decision: {text(attributes['local.iam.decision'])}</h3>
          {attributes['local.iam.statement'] !== undefined && (
            <>
              <p>Statement that matched:</p>
              <pre>{text(attributes['local.iam.statement'])}</pre>
            </>
          )}
          {attributes['local.iam.reason'] !== undefined && <p>{text(attributes['local.iam.reason'])}</p>}
          {missing && (
            <p>
              Missing: <code>{missing.action}</code> on <code class="resource">{missing.resource}</code>
            </p>
          )}
          {typeof grant === 'string' && (
            <>
              <p>This declaration change grants it (and only it):</p>
              <pre>{grant}</pre>
              <CopyButton text={grant} label="Copy the grant" />
            </>
          )}
        </div>
      )}
      <table class="grid attributes">
        <caption>Attributes</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(attributes).map(([name, value]) => (
            <tr key={name}>
              <th scope="row">
                <code>{name}</code>
              </th>
              <td>
                <code>{text(value)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
