// What the gateway takes from node:http's request: the body, read under API Gateway's payload cap
// without ever holding more than the cap, and the parts the proxy event is built from.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingRequest } from './to-proxy-event.ts';

export type BodyRead =
  | { readonly kind: 'complete'; readonly body: Buffer }
  /** Over the cap: what was read is dropped and the rest is discarded as it arrives. */
  | { readonly kind: 'too-large' }
  /** The client went away before sending the whole body. */
  | { readonly kind: 'aborted' };

/**
 * Reads the body of `req`, giving up as soon as it is known to exceed `limitBytes`: at once when
 * Content-Length says so, otherwise at the chunk that crosses the limit.
 *
 * @example
 * const read = await readBody(req, 10 * 1024 * 1024);
 * if (read.kind === 'complete') handle(read.body);
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<BodyRead> {
  if (Number(req.headers['content-length']) > limitBytes) {
    req.resume();
    return Promise.resolve({ kind: 'too-large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (read: BodyRead) => {
      req.off('data', onData).off('end', onEnd).off('error', onGone).off('close', onGone);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) {
        chunks.push(chunk);
        return;
      }
      req.resume();
      finish({ kind: 'too-large' });
    };
    const onEnd = () => finish({ kind: 'complete', body: Buffer.concat(chunks) });
    const onGone = () => finish({ kind: 'aborted' });
    req.on('data', onData).on('end', onEnd).on('error', onGone).on('close', onGone);
  });
}

/**
 * After answering a request whose body is still arriving: closing at once could reset the
 * connection before the client reads the answer, so the upload may drain (unread) for `graceMs`,
 * after which the connection is cut so a runaway upload cannot hold it.
 */
export function closeAfterDrain(req: IncomingMessage, res: ServerResponse, graceMs: number): void {
  if (req.complete) return;
  const timer = setTimeout(() => res.destroy(), graceMs).unref();
  req.once('end', () => clearTimeout(timer)).once('close', () => clearTimeout(timer));
}

/** The request as the proxy event needs it: path and query split, still percent-encoded. */
export function toIncomingRequest(req: IncomingMessage, body: Buffer): IncomingRequest {
  const { path, query } = splitTarget(req.url ?? '/');
  return {
    method: req.method ?? 'GET',
    path,
    query,
    rawHeaders: req.rawHeaders,
    body,
    sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    port: req.socket.localPort ?? 0,
  };
}

/** The last value of a header (Node joins most repeated headers with `, ` already). */
export function headerValue(req: IncomingMessage, lowerName: string): string | undefined {
  const value = req.headers[lowerName];
  return Array.isArray(value) ? value.at(-1) : value;
}

// Origin-form `/path?query` as sent; absolute-form `http://host/path` is legal too; `*` matches no resource.
function splitTarget(target: string): { path: string; query: string } {
  const relative =
    !target.startsWith('/') && URL.canParse(target) ? urlPathAndQuery(new URL(target)) : target;
  const mark = relative.indexOf('?');
  return mark === -1
    ? { path: relative, query: '' }
    : { path: relative.slice(0, mark), query: relative.slice(mark + 1) };
}

function urlPathAndQuery(url: URL): string {
  return `${url.pathname}${url.search}`;
}
