import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAllowedHost } from '#local/exposure.ts';

/**
 * The local DynamoDB endpoints (the engine, and the guard in front of it) check no signature, so
 * only this machine's programs may use them: a request with an `Origin` (a browser, whatever its
 * site) or a `Host` that does not name loopback on this port (DNS rebinding) gets a 403 in
 * DynamoDB's error shape, and nothing else happens. Returns true when it answered.
 *
 * @example
 * server.on('request', (req, res) => { if (!refuseOutsiders(req, res)) handle(req, res); });
 */
export function refuseOutsiders(req: IncomingMessage, res: ServerResponse): boolean {
  const port = req.socket.localPort ?? 0;
  if (req.headers.origin === undefined && isAllowedHost(req.headers.host, port)) return false;
  req.resume();
  res.writeHead(403, { 'Content-Type': 'application/x-amz-json-1.0' });
  res.end(JSON.stringify({ __type: 'AccessDeniedException', message: "This machine's programs only" }));
  return true;
}
