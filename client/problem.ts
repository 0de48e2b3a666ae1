import { retryAfterMs } from './retry-after.ts';
import type { components } from './schema.d.ts';

/** An RFC 9457 problem as the API sends it (`application/problem+json`). */
export type Problem = components['schemas']['Problem'];

/**
 * A request the API refused or could not serve, carrying the problem+json fields. API Gateway's
 * own answers (`{"message": …}`: throttling, a refused origin, a timeout) become problems too,
 * with the message as `title`.
 *
 * @example
 * try { await products.get('nope'); } catch (e) { if (e instanceof ProblemError) console.log(e.status, e.detail); }
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly instance: string | undefined;
  readonly errors: Problem['errors'];
  /** `Retry-After` in seconds, when the API sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(problem: Partial<Problem> & { status: number; title: string }, retryAfterSeconds?: number) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = new.target.name;
    this.status = problem.status;
    this.type = problem.type ?? 'about:blank';
    this.title = problem.title;
    this.detail = problem.detail;
    this.instance = problem.instance;
    this.errors = problem.errors;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 404: no item has this id. */
export class NotFoundError extends ProblemError {}

/**
 * 412: the item changed since the client read it (`If-Match` did not hold), or it exists when
 * `If-None-Match: *` asked to create it. Read it again, reconcile, retry.
 */
export class PreconditionFailedError extends ProblemError {}

/** The problem an error response stands for: its problem+json body, or what the gateway said. */
export function toProblemError(response: Response, body: unknown): ProblemError {
  const retryAfter = retryAfterMs(response.headers.get('retry-after'));
  const retryAfterSeconds = retryAfter === undefined ? undefined : Math.ceil(retryAfter / 1000);
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problem =
    typeof fields.title === 'string'
      ? { ...(fields as Partial<Problem>), title: fields.title, status: response.status }
      : {
          title:
            typeof fields.message === 'string' ? fields.message : response.statusText || 'Request failed',
          status: response.status,
        };
  const Kind =
    response.status === 404
      ? NotFoundError
      : response.status === 412
        ? PreconditionFailedError
        : ProblemError;
  return new Kind(problem, retryAfterSeconds);
}
