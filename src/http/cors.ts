import { CORS } from '../declaration/api-settings.ts';

/** Response headers browsers need to read this API from another origin. */
const EXPOSED = CORS.exposeHeaders.join(',');

/**
 * CORS headers for a response, from the origins in `CORS_ALLOW_ORIGINS` (comma-separated, `*`
 * for any). With a Lambda proxy integration API Gateway adds none to the function's responses,
 * so the function does; preflight `OPTIONS` requests are answered by API Gateway itself.
 */
export function corsHeaders(allowed: readonly string[], origin: string | undefined): Record<string, string> {
  if (allowed.includes('*'))
    return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED };
  if (origin && allowed.includes(origin)) {
    return {
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': EXPOSED,
      Vary: 'Origin',
    };
  }
  return {};
}

/** The allowed origins configured for this function instance. */
export const allowedOrigins = (env: Readonly<Record<string, string | undefined>> = process.env): string[] =>
  (env.CORS_ALLOW_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
