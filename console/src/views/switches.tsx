import { useState } from 'preact/hooks';
import { call, type Fault, type Overview, type Switches } from '../api.ts';
import { useEvent } from '../events.ts';
import { useLoad } from '../use-load.ts';

const LEVELS: Switches['logLevel'][] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export function SwitchesView() {
  const loaded = useLoad(() => call<Switches>('switches'), 'switches');
  const overview = useLoad(() => call<Overview>('overview'), 'overview');
  const [switches, setSwitches] = useState<Switches>();
  const [problem, setProblem] = useState<string>();
  const [kind, setKind] = useState<Fault['kind']>('throttle');
  // Another tab or the terminal may change the switches: show what the system runs with.
  useEvent<Switches>('switches', setSwitches);
  const current = switches ?? loaded.data;
  const targets = [
    ...(overview.data?.functions ?? []).map((fn) => `function:${fn.name}`),
    ...(overview.data?.tables ?? []).map((table) => `table:${table.name}`),
  ];

  const attempt = async (action: () => Promise<unknown>) => {
    try {
      setProblem(undefined);
      await action();
      setSwitches(await call<Switches>('switches'));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const put = (change: Partial<Switches>) =>
    attempt(() => call<Switches>('switches', { method: 'PUT', body: change }));
  const addFault = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const latency = Number(form.get('latencyMs'));
    return attempt(() =>
      call<Fault>('faults', {
        method: 'POST',
        body: {
          kind,
          ...(form.get('target') ? { target: String(form.get('target')) } : {}),
          percent: Number(form.get('percent')),
          ...(kind === 'latency' ? { latencyMs: latency } : {}),
        },
      }),
    );
  };

  return (
    <section aria-labelledby="switches-title">
      <h1 id="switches-title" tabIndex={-1}>
        Faults and switches
      </h1>
      {(loaded.error || problem) && (
        <p role="alert">{problem ?? `Could not load the switches: ${loaded.error}`}</p>
      )}
      {current && (
        <>
          <fieldset>
            <legend>Switches</legend>
            <label class="inline">
              <input
                type="checkbox"
                checked={current.throttling}
                onChange={(e) => put({ throttling: e.currentTarget.checked })}
              />{' '}
              Throttling (the stage's rate and burst limits)
            </label>
            <label class="inline">
              <input
                type="checkbox"
                checked={current.tracing}
                onChange={(e) => put({ tracing: e.currentTarget.checked })}
              />{' '}
              Record request traces (paused, new requests are not traced)
            </label>
            <div class="field">
              <label for="log-level-switch">Log level of the functions</label>
              <select
                id="log-level-switch"
                value={current.logLevel}
                onChange={(e) => put({ logLevel: e.currentTarget.value as Switches['logLevel'] })}
              >
                {LEVELS.map((level) => (
                  <option key={level}>{level}</option>
                ))}
              </select>
            </div>
          </fieldset>
          <h2>Fault rules</h2>
          {current.faults.length === 0 ? (
            <p class="muted">No fault is injected.</p>
          ) : (
            <table class="grid">
              <caption class="visually-hidden">Fault rules in effect</caption>
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Target</th>
                  <th scope="col">Share of calls</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {current.faults.map((fault) => (
                  <tr key={fault.id}>
                    <td>
                      {fault.kind}
                      {fault.latencyMs !== undefined ? ` (+${fault.latencyMs} ms)` : ''}
                    </td>
                    <td>
                      <code>{fault.target ?? 'every call'}</code>
                    </td>
                    <td>{fault.percent} %</td>
                    <td>
                      <button
                        type="button"
                        aria-label={`Remove the ${fault.kind} fault on ${fault.target ?? 'every call'}`}
                        onClick={() =>
                          attempt(() =>
                            call<void>(`faults/${encodeURIComponent(fault.id)}`, { method: 'DELETE' }),
                          )
                        }
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form class="filters" onSubmit={addFault} aria-labelledby="add-fault-title">
            <h3 id="add-fault-title">Add a fault rule</h3>
            <div class="field">
              <label for="fault-kind">Kind</label>
              <select
                id="fault-kind"
                value={kind}
                onChange={(e) => setKind(e.currentTarget.value as Fault['kind'])}
              >
                <option value="error">error (InternalServerError)</option>
                <option value="throttle">throttle (ProvisionedThroughputExceededException)</option>
                <option value="throttling">throttling (ThrottlingException)</option>
                <option value="latency">latency</option>
              </select>
            </div>
            <div class="field">
              <label for="fault-target">Target</label>
              <select id="fault-target" name="target">
                <option value="">every DynamoDB call</option>
                {targets.map((target) => (
                  <option key={target}>{target}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="fault-percent">Share of calls (%)</label>
              <input id="fault-percent" name="percent" type="number" min={0} max={100} defaultValue="100" />
            </div>
            {kind === 'latency' && (
              <div class="field">
                <label for="fault-latency">Added latency (ms)</label>
                <input id="fault-latency" name="latencyMs" type="number" min={0} defaultValue="500" />
              </div>
            )}
            <button type="submit">Add fault</button>
          </form>
        </>
      )}
    </section>
  );
}
