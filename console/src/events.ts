import { useEffect, useRef } from 'preact/hooks';
import { eventsUrl } from './api.ts';

// One EventSource for the whole page (a browser allows few connections per origin); views
// subscribe to the event names they show. The browser reconnects it by itself after a reload.
type Listener = (data: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
let source: EventSource | undefined;

function ensureSource(name: string): EventSource {
  if (!source) source = new EventSource(eventsUrl(), { withCredentials: true });
  if (!listeners.has(name)) {
    listeners.set(name, new Set());
    source.addEventListener(name, (event) => {
      let data: unknown;
      try {
        data = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(name) ?? []) listener(data);
    });
  }
  return source;
}

/** Calls `onEvent` with each server-sent event of that name while the component is mounted. */
export function useEvent<T>(name: 'trace' | 'log' | 'reload' | 'switches', onEvent: (data: T) => void): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => {
    ensureSource(name);
    const listener: Listener = (data) => latest.current(data as T);
    listeners.get(name)?.add(listener);
    return () => listeners.get(name)?.delete(listener);
  }, [name]);
}
