// The reload events a local system reports (its `onReload`), for tests that wait on a reload
// rather than on a clock.
import type { ReloadEvent } from '#local/hot-reload.ts';

export interface ReloadEvents {
  /** Every event so far, in order. */
  readonly events: readonly ReloadEvent[];
  /** Pass as the system's `onReload`. */
  readonly onReload: (event: ReloadEvent) => void;
  /** The next event that `matches`, from now on (call it before making the change). */
  next(matches: (event: ReloadEvent) => boolean): Promise<ReloadEvent>;
}

export function reloadEvents(): ReloadEvents {
  const events: ReloadEvent[] = [];
  const waiting: { matches: (event: ReloadEvent) => boolean; resolve: (event: ReloadEvent) => void }[] = [];
  return {
    events,
    onReload(event) {
      events.push(event);
      for (const waiter of waiting.splice(0)) {
        if (waiter.matches(event)) waiter.resolve(event);
        else waiting.push(waiter);
      }
    },
    next: (matches) => new Promise((resolve) => waiting.push({ matches, resolve })),
  };
}
