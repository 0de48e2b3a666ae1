import { useMemo, useRef, useState } from 'preact/hooks';
import { call, type TraceSummary } from '../api.ts';
import { useEvent } from '../events.ts';
import {
  checkBody,
  checkParameter,
  exampleOf,
  fieldHints,
  hintOf,
  type Operation,
  operationsOf,
} from '../openapi.ts';
import {
  addToHistory,
  asClientCall,
  asCurl,
  type ExplorerRequest,
  type HistoryEntry,
  prepare,
  readHistory,
} from '../request.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';
import { CopyButton } from './copy-button.tsx';

interface Sent {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
  requestId?: string;
  token?: string;
}

const keyOf = (operation: Operation) => `${operation.method} ${operation.path}`;

export function Explorer() {
  const openapi = useLoad(() => call<Parameters<typeof operationsOf>[0]>('openapi'), 'openapi');
  const users = useLoad(() => call<{ username: string; groups: string[] }[]>('users'), 'users');
  const operations = useMemo(() => (openapi.data ? operationsOf(openapi.data) : []), [openapi.data]);
  const [selected, setSelected] = useState<string>();
  const operation = operations.find((candidate) => keyOf(candidate) === selected) ?? operations[0];
  const [values, setValues] = useState<Record<string, string>>({});
  const [body, setBody] = useState<string | undefined>();
  const [username, setUsername] = useState('');
  const [groups, setGroups] = useState('');
  const [sent, setSent] = useState<Sent>();
  const [sendError, setSendError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [traceId, setTraceId] = useState<string>();
  const [history, setHistory] = useState<HistoryEntry[]>(readHistory);
  const [touched, setTouched] = useState(false);
  const waitingFor = useRef<string | undefined>(undefined);

  useEvent<TraceSummary>('trace', (trace) => {
    if (waitingFor.current && trace.requestId === waitingFor.current) setTraceId(trace.traceId);
  });

  if (openapi.error) return <Heading error={`Could not load the OpenAPI document: ${openapi.error}`} />;
  if (!openapi.data || !operation) return <Heading />;
  const document = openapi.data;
  const bodyText =
    body ?? (operation.body ? JSON.stringify(exampleOf(document, operation.body), null, 2) : '');
  const request: ExplorerRequest = {
    method: operation.method,
    route: operation.path,
    values,
    body: bodyText,
    caller: {
      username: username || undefined,
      groups: groups
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    },
  };
  const prepared = prepare(operation, request, window.location.origin);
  const parameterProblems = operation.parameters.map((parameter) =>
    checkParameter(parameter, values[`${parameter.in}:${parameter.name}`] ?? ''),
  );
  const bodyProblem = operation.body ? checkBody(document, operation.body, bodyText) : undefined;
  const blocked = parameterProblems.some(Boolean) || Boolean(bodyProblem);

  const choose = (key: string) => {
    setSelected(key);
    setValues({});
    setBody(undefined);
    setTouched(false);
  };

  const send = async (event: Event) => {
    event.preventDefault();
    setTouched(true);
    if (blocked) return;
    setSending(true);
    setSendError(undefined);
    setTraceId(undefined);
    try {
      const token = request.caller.username
        ? (await call<{ token: string }>('tokens', { method: 'POST', body: request.caller })).token
        : undefined;
      const response = await fetch(prepared.url, {
        method: operation.method,
        headers: { ...prepared.headers, ...(token ? { authorization: token } : {}) },
        body: prepared.body,
        credentials: 'omit',
      });
      const text = await response.text();
      const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
      waitingFor.current = requestId;
      setSent({
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers.entries()],
        body: pretty(text),
        requestId,
        token,
      });
      setHistory(addToHistory({ request, status: response.status, at: Date.now(), requestId }));
      if (requestId) {
        // The trace may already be kept (its event came before the body was read).
        const recent = await call<{ traces: TraceSummary[] }>('traces?limit=50');
        const found = recent.traces.find((trace) => trace.requestId === requestId);
        if (found) setTraceId(found.traceId);
      }
    } catch (error) {
      setSendError(error instanceof Error ? error.message : String(error));
    } finally {
      setSending(false);
    }
  };

  const restore = (entry: HistoryEntry) => {
    setSelected(`${entry.request.method} ${entry.request.route}`);
    setValues(entry.request.values);
    setBody(entry.request.body);
    setUsername(entry.request.caller.username ?? '');
    setGroups(entry.request.caller.groups.join(', '));
  };

  return (
    <section aria-labelledby="explorer-title" class="explorer">
      <h1 id="explorer-title" tabIndex={-1}>
        API explorer
      </h1>
      <form onSubmit={send} noValidate>
        <div class="field">
          <label for="route">Route</label>
          <select id="route" value={keyOf(operation)} onChange={(e) => choose(e.currentTarget.value)}>
            {operations.map((candidate) => (
              <option key={keyOf(candidate)} value={keyOf(candidate)}>
                {keyOf(candidate)}
                {candidate.summary ? ` — ${candidate.summary}` : ''}
              </option>
            ))}
          </select>
          <p class="hint">
            {operation.access ? `Access: ${operation.access}. ` : ''}
            {operation.secured ? 'Needs a token: pick a user below.' : 'Public.'}
          </p>
        </div>
        <fieldset>
          <legend>Caller</legend>
          <div class="field">
            <label for="caller">User (empty: anonymous)</label>
            <input
              id="caller"
              list="known-users"
              value={username}
              autocomplete="off"
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
            <datalist id="known-users">
              {(users.data ?? []).map((user) => (
                <option key={user.username} value={user.username}>
                  {user.groups.join(', ')}
                </option>
              ))}
            </datalist>
          </div>
          <div class="field">
            <label for="groups">Groups (comma-separated)</label>
            <input
              id="groups"
              value={groups}
              onInput={(e) => setGroups(e.currentTarget.value)}
              aria-describedby="groups-hint"
            />
            <p class="hint" id="groups-hint">
              A token is minted from the local user pool for this user and these groups on each send (the user
              is created if missing).
            </p>
          </div>
        </fieldset>
        {operation.parameters.length > 0 && (
          <fieldset>
            <legend>Parameters</legend>
            {operation.parameters.map((parameter, index) => {
              const id = `param-${parameter.in}-${parameter.name}`;
              const problem = touched ? parameterProblems[index] : undefined;
              const hint = [
                parameter.in,
                parameter.required ? 'required' : 'optional',
                hintOf(document, parameter.schema),
              ]
                .filter(Boolean)
                .join(' · ');
              return (
                <div class="field" key={id}>
                  <label for={id}>{parameter.name}</label>
                  <input
                    id={id}
                    value={values[`${parameter.in}:${parameter.name}`] ?? ''}
                    required={parameter.required}
                    aria-invalid={problem ? 'true' : undefined}
                    aria-describedby={`${id}-hint`}
                    onInput={(e) =>
                      setValues({ ...values, [`${parameter.in}:${parameter.name}`]: e.currentTarget.value })
                    }
                  />
                  <p class={problem ? 'hint problem' : 'hint'} id={`${id}-hint`}>
                    {problem ? `${parameter.name}: ${problem}. ` : ''}
                    {hint}
                  </p>
                </div>
              );
            })}
          </fieldset>
        )}
        {operation.body && (
          <div class="field">
            <label for="body">Body (JSON)</label>
            <textarea
              id="body"
              rows={8}
              spellcheck={false}
              value={bodyText}
              aria-invalid={touched && bodyProblem ? 'true' : undefined}
              aria-describedby="body-hint"
              onInput={(e) => setBody(e.currentTarget.value)}
            />
            <div class="hint" id="body-hint">
              {touched && bodyProblem && <p class="problem">Body: {bodyProblem}.</p>}
              <ul class="fields">
                {fieldHints(document, operation.body).map((field) => (
                  <li key={field.name}>
                    <code>{field.name}</code>
                    {field.required ? ' (required)' : ''}: {field.hint}
                  </li>
                ))}
              </ul>
            </div>
          </div>
        )}
        <button type="submit" disabled={sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </form>
      {sendError && <p role="alert">Could not send: {sendError}</p>}
      <div aria-live="polite">
        {sent && (
          <section aria-labelledby="response-title" class="response">
            <h2 id="response-title">
              Response: <span class={sent.status >= 400 ? 'status bad' : 'status ok'}>{sent.status}</span>{' '}
              {sent.statusText}
            </h2>
            <p>
              Request id <code>{sent.requestId ?? '—'}</code>
              {traceId && (
                <>
                  {' · '}
                  <a href={href('traces', [traceId])}>View its trace</a>
                </>
              )}
              {sent.requestId && (
                <>
                  {' · '}
                  <a href={href('logs', [], { requestId: sent.requestId })}>Its log lines</a>
                </>
              )}
            </p>
            <details>
              <summary>Headers ({sent.headers.length})</summary>
              <dl class="headers">
                {sent.headers.map(([name, value]) => (
                  <div key={name}>
                    <dt>{name}</dt>
                    <dd>{value}</dd>
                  </div>
                ))}
              </dl>
            </details>
            <h3>Body</h3>
            <pre class="body">{sent.body}</pre>
          </section>
        )}
      </div>
      <Snippet title="As curl" text={asCurl(prepared, operation.method, sent?.token)} />
      <Snippet
        title="As a typed-client call"
        text={asClientCall(prepared, operation, window.location.origin, request.caller.username)}
      />
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        {history.length === 0 ? (
          <p class="muted">Requests you send are kept here (in this browser).</p>
        ) : (
          <ol class="history">
            {history.map((entry) => (
              <li key={entry.at}>
                <button type="button" class="link" onClick={() => restore(entry)}>
                  {entry.request.method} {entry.request.route}
                </button>{' '}
                → {entry.status} · {entry.request.caller.username ?? 'anonymous'} ·{' '}
                {new Date(entry.at).toLocaleTimeString()}
              </li>
            ))}
          </ol>
        )}
      </section>
    </section>
  );
}

function Heading({ error }: { error?: string }) {
  return (
    <section>
      <h1 tabIndex={-1}>API explorer</h1>
      {error ? <p role="alert">{error}</p> : <p>Loading…</p>}
    </section>
  );
}

function Snippet({ title, text }: { title: string; text: string }) {
  return (
    <details class="snippet">
      <summary>{title}</summary>
      <pre>{text}</pre>
      <CopyButton text={text} label={`Copy ${title.toLowerCase().replace(/^as (a )?/, '')}`} />
    </details>
  );
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
