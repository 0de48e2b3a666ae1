import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_PAGE_HEADERS } from '#local/exposure.ts';
import type { LocalUserPool } from './local-user-pool.ts';

/** Where the local gateway serves the local user pool's public keys, as Cognito serves its pool's. */
export const JWKS_PATH = '/_local/auth/.well-known/jwks.json';

/**
 * Serves the local user pool's JWKS (public keys only), so that a client or another tool can verify
 * local tokens the way it would verify Cognito's at `<issuer>/.well-known/jwks.json`.
 */
export function userPoolPage(pool: Pick<LocalUserPool, 'jwks'>) {
  const body = JSON.stringify(pool.jwks);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? '').split('?')[0] !== JWKS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {
        ...LOCAL_PAGE_HEADERS,
        Allow: 'GET, HEAD',
        'Content-Type': 'text/plain; charset=utf-8',
      });
      res.end('Method Not Allowed\n');
      return true;
    }
    res.writeHead(200, {
      ...LOCAL_PAGE_HEADERS,
      'Content-Type': 'application/json',
      'Cache-Control': 'max-age=3600',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
