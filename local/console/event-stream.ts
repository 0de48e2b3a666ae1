// The console's live updates: Server-Sent Events (one-way, the browser reconnects by itself).
import type { ServerResponse } from 'node:http';
import { LOCAL_PAGE_HEADERS } from '#local/exposure.ts';

/** A comment line this often keeps proxies and the browser from dropping an idle stream. */
const KEEP_ALIVE_MS = 15_000;

/** The streams open now; `send` writes one event to each. */
export class EventStreams {
  readonly #open = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;

  get size(): number {
    return this.#open.size;
  }

  /** Turns `res` into an event stream until the client goes away. */
  open(res: ServerResponse): void {
    res.writeHead(200, {
      ...LOCAL_PAGE_HEADERS,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    this.#open.add(res);
    res.once('close', () => {
      this.#open.delete(res);
      if (this.#open.size === 0) this.#stopKeepAlive();
    });
    this.#timer ??= setInterval(() => {
      for (const stream of this.#open) stream.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS).unref();
  }

  /** One event to every open stream; nothing is built when nobody listens. */
  send(event: string, data: () => unknown): void {
    if (this.#open.size === 0) return;
    const frame = `event: ${event}\ndata: ${JSON.stringify(data())}\n\n`;
    for (const stream of this.#open) stream.write(frame);
  }

  /** Ends every stream (the system stops). */
  close(): void {
    this.#stopKeepAlive();
    for (const stream of this.#open) stream.end();
    this.#open.clear();
  }

  #stopKeepAlive(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
