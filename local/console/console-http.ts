// Answers of the console's API: JSON, problem+json for every error, and JSON bodies read with a bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_PAGE_HEADERS } from '#local/exposure.ts';
import { MEDIA_TYPES } from '#src/declaration/api-settings.ts';

/** A console API request body is small (an item is at most 400 KB); more is refused. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A problem the console answers with (RFC 9457): its status and what to tell the caller. */
export class ConsoleProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string) => new ConsoleProblem(400, 'Bad Request', detail);
export const notFound = (detail: string) => new ConsoleProblem(404, 'Not Found', detail);

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...LOCAL_PAGE_HEADERS,
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendProblem(res: ServerResponse, problem: ConsoleProblem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    type: 'about:blank',
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
  });
  res.writeHead(problem.status, {
    ...LOCAL_PAGE_HEADERS,
    'Content-Type': MEDIA_TYPES.problem,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204, { ...LOCAL_PAGE_HEADERS, 'Cache-Control': 'no-store' });
  res.end();
}

/** The request's JSON object body; a 400 problem for anything else, a 413 beyond the bound. */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ConsoleProblem(
        413,
        'Content Too Large',
        `A console request body is at most ${MAX_BODY_BYTES} bytes.`,
      );
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('The body is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badRequest('The body must be a JSON object.');
  return value as Record<string, unknown>;
}
