// The local API Gateway: an HTTP server on loopback that turns requests into REST API (v1) proxy
// events, invokes the route's function through the local Lambda service and answers as AWS would.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { LOCAL_HOST, LOCAL_PORT } from '#client/local-url.ts';
import type { Authorizer } from '#local/auth/authorizer.ts';
import type {
  InvocationObserver,
  InvokeOutcome,
  Invoker,
  RequestObserver,
  RequestSteps,
  RouteBinding,
} from '#local/contracts.ts';
import { TOKEN_HEADER } from '#src/declaration/access.ts';
import {
  INTEGRATION_TIMEOUT_SECONDS,
  MAX_REQUEST_BODY_BYTES,
  MEDIA_TYPES,
} from '#src/declaration/api-settings.ts';
import { logAccess, traceOf } from './access-log.ts';
import {
  contentLengthExceededResponse,
  GATEWAY_RESPONSES,
  type GatewayResponseType,
  gatewayResponse,
  preflightResponse,
  refusedResponse,
} from './gateway-responses.ts';
import { type HeaderLine, type HttpResponse, withGatewayHeaders } from './http-response.ts';
import { closeAfterDrain, headerValue, readBody, toIncomingRequest } from './incoming-request.ts';
import { type ApiIds, newApiIds, newRequestIds, type RequestIds } from './request-ids.ts';
import { createStage, type Refusal, type Stage, type StageOptions } from './stage.ts';
import { toHttpResponse } from './to-http-response.ts';
import { toProxyEvent } from './to-proxy-event.ts';
import { validateProxyResult } from './validate-proxy-result.ts';

export interface GatewayOptions extends StageOptions {
  readonly routes: readonly RouteBinding[];
  readonly invoker: Invoker;
  /** Defaults to `127.0.0.1`: the gateway is for this machine only. */
  readonly host?: string;
  /** Defaults to 3000; 0 picks a free port. */
  readonly port?: number;
  /** API Gateway's integration timeout. Defaults to 29 000 ms. */
  readonly integrationTimeoutMs?: number;
  /** API Gateway's request payload limit. Defaults to 10 MiB. */
  readonly maxBodyBytes?: number;
  /** The REST API's `binaryMediaTypes`, e.g. `['image/*']`. Defaults to none, as CDK does. */
  readonly binaryMediaTypes?: readonly string[];
  /** Where the gateway reports 5xx causes (never sent to clients). Defaults to stderr. */
  readonly log?: (line: string) => void;
  /**
   * Local-only pages (the API reference, the user pool's keys): answers a request and returns true,
   * or leaves it to the API. They sit behind the same Host/Origin gate as the API.
   */
  readonly localPages?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Where the stage's access log goes: one JSON line per answered request, as deployed. */
  readonly accessLog?: (line: string) => void;
  /**
   * Verifies tokens for routes whose `authorizationType` is `COGNITO_USER_POOLS`, as the stack's
   * Cognito authorizer does. Without one, every such route answers 401: never open by omission.
   */
  readonly authorizer?: Authorizer;
  /** Told of each request's steps (the local console's traces); nothing is traced without one. */
  readonly observer?: RequestObserver;
  /** Read on every request: throttling applies while `enabled` (the console's switch); always when absent. */
  readonly throttleSwitch?: { readonly enabled: boolean };
}

export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:3000`; resources hang directly off it (`${url}/prod/…` works too). */
  readonly url: string;
  readonly port: number;
  /**
   * Stops listening and ends open connections, keep-alive ones included. Requests in flight
   * get up to `graceMs` (default 0) to be answered before their connections are cut.
   */
  close(graceMs?: number): Promise<void>;
  /**
   * Serves `routes` from the next request on (hot reload): the stage is rebuilt from them as one
   * value and swapped whole, validators and authorization included; requests in flight finish
   * with the stage they began with. Throws, changing nothing, when the routes clash.
   */
  setRoutes(routes: readonly RouteBinding[]): void;
}

interface Settings {
  readonly invoker: Invoker;
  readonly authorizer: Authorizer;
  readonly api: ApiIds;
  /** The stage in force; replaced whole on reload, read once per request. */
  stage: Stage;
  readonly integrationTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly binaryMediaTypes: readonly string[];
  readonly log: (line: string) => void;
  readonly observer: RequestObserver | undefined;
  readonly throttleSwitch: { readonly enabled: boolean } | undefined;
}

// How long an upload that got its 413 may keep draining before the connection is cut.
const DRAIN_GRACE_MS = 2000;

/**
 * Starts the local API Gateway.
 *
 * @example
 * const gateway = await startGateway({ routes, invoker, port: 0 });
 * const response = await fetch(`${gateway.url}/products`);
 * await gateway.close();
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? LOCAL_HOST;
  const settings: Settings = {
    invoker: options.invoker,
    authorizer: options.authorizer ?? (async () => ({ ok: false, reason: 'the gateway has no authorizer' })),
    api: newApiIds(),
    stage: createStage(options.routes, options),
    integrationTimeoutMs: options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_SECONDS * 1000,
    maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    binaryMediaTypes: options.binaryMediaTypes ?? [],
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
    observer: options.observer,
    throttleSwitch: options.throttleSwitch,
  };
  const server = createServer((req, res) => {
    // One stage for the whole request, even if a reload swaps it meanwhile.
    const { stage } = settings;
    // Inside the error boundary from the first step: the gate and the local pages too.
    const serve = async () => {
      // Only this machine, local pages included: refused before the body is read or anything runs.
      const refusal = stage.refusalOf(req);
      if (refusal) {
        settings.log(refusalLine(refusal.status, req.method ?? '', pathOf(req), refusal.reason));
        if (options.accessLog) logAccess(req, res, options.accessLog);
        send(res, refusedAnswer(refusal, new Date()));
        return closeAfterDrain(req, res, DRAIN_GRACE_MS);
      }
      if (options.localPages?.(req, res)) return;
      if (options.accessLog) logAccess(req, res, options.accessLog);
      await handle(req, res, settings, stage);
    };
    serve().catch((error: unknown) => {
      settings.log(`[gateway] 500 ${req.method} ${req.url}: gateway failure: ${stackOf(error)}`);
      const now = new Date();
      if (res.headersSent) res.destroy();
      else
        send(
          res,
          gatewayResponse('internalServerError', newRequestIds(now), now, {
            definitions: stage.responses,
          }),
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? LOCAL_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Once listening, a server error (e.g. out of file descriptors) is reported, never thrown.
  server.on('error', (error) => settings.log(`[gateway] server error: ${stackOf(error)}`));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: (graceMs = 0) =>
      new Promise<void>((resolve, reject) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        // Keep-alive connections close as soon as they are idle, i.e. once answered.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close((error) => {
          clearTimeout(cut);
          clearInterval(sweep);
          if (error) reject(error);
          else resolve();
        });
        if (graceMs <= 0) server.closeAllConnections();
      }),
    setRoutes(routes) {
      settings.stage = settings.stage.withRoutes(routes);
    },
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  settings: Settings,
  stage: Stage,
): Promise<void> {
  const receivedAt = new Date();
  const read = await readBody(req, settings.maxBodyBytes);
  if (read.kind === 'aborted') return; // nobody left to answer
  if (read.kind === 'too-large') {
    settings.log(
      refusalLine(
        413,
        req.method ?? '',
        pathOf(req),
        `the body is over the payload limit of ${settings.maxBodyBytes} bytes`,
      ),
    );
    send(res, contentLengthExceededResponse(settings.maxBodyBytes, new Date()));
    return closeAfterDrain(req, res, DRAIN_GRACE_MS);
  }
  const ids = newRequestIds(receivedAt, headerValue(req, 'x-amzn-trace-id'));
  const steps = settings.observer?.begin({
    requestId: ids.requestId,
    traceHeader: ids.traceId,
    method: req.method ?? 'GET',
    path: (req.url ?? '/').split('?')[0] ?? '/',
  });
  // `close` comes once per response: `on` spares the wrapper `once` makes for every request.
  if (steps) res.on('close', () => steps.answered(res.writableFinished ? res.statusCode : 0));
  const accept = headerValue(req, 'accept');
  const stageAnswer = (type: GatewayResponseType, validationErrorString?: string) => {
    traceOf(res).errorType = GATEWAY_RESPONSES[type].responseType;
    return gatewayResponse(type, ids, receivedAt, {
      definitions: stage.responses,
      accept,
      ...(validationErrorString === undefined ? {} : { validationErrorString }),
    });
  };
  const incoming = toIncomingRequest(req, read.body);
  const { basePath, path } = splitStage(incoming.path, stage.name);
  const request = { ...incoming, path };
  const { method } = request;
  const match = stage.route(method, path);
  if (match.kind === 'missing') {
    settings.log(refusalLine(403, method, path, missingRouteReason(stage, method, path)));
    return send(res, stageAnswer('missingAuthenticationToken'));
  }
  traceOf(res).resourcePath = match.kind === 'preflight' ? match.resource : match.binding.resource;
  if (match.kind === 'integration') steps?.matched(match.binding.resource, match.binding.functionName);
  // Stage throttling counts every request that reaches a method, preflights included.
  if ((settings.throttleSwitch?.enabled ?? true) && !stage.admit()) {
    settings.log(refusalLine(429, method, path, throttleReason(stage)));
    return send(res, stageAnswer('throttled'));
  }
  if (match.kind === 'preflight') {
    return send(res, preflightResponse(ids, receivedAt, stage.corsOrigins, headerValue(req, 'origin')));
  }
  // As on API Gateway, the authorizer runs before the body is validated or anything is invoked.
  let claims: Readonly<Record<string, string>> | undefined;
  if (match.binding.authorizationType === 'COGNITO_USER_POOLS') {
    const authorized = steps?.step('authorizer');
    const authorization = await settings.authorizer(headerValue(req, TOKEN_HEADER.toLowerCase()));
    authorized?.(
      authorization.ok
        ? AUTHORIZER_STEP[authorization.cached ? 'cached' : 'verified']
        : AUTHORIZER_STEP.refused,
    );
    if (!authorization.ok) {
      settings.log(refusalLine(401, method, path, authorization.reason));
      return send(res, stageAnswer('unauthorized'));
    }
    claims = authorization.claims;
    steps?.verified(claims['cognito:username']);
  }
  const { validate } = match.binding;
  if (validate) {
    const validated = steps?.step('validate body');
    const check = validate(headerValue(req, 'content-type'), read.body.toString('utf8'));
    validated?.(check.ok ? VALID_STEP.valid : VALID_STEP.invalid);
    if (!check.ok) {
      // The body's detail is AWS's fixed message; the reasons go to the log, as deployed (execution log).
      settings.log(refusalLine(400, method, path, `request body does not match the model: ${check.message}`));
      return send(res, stageAnswer('badRequestBody', check.message));
    }
  }
  const event = toProxyEvent(request, {
    resource: match.binding.resource,
    pathParameters: match.pathParameters,
    stage: stage.name,
    basePath,
    api: settings.api,
    ids,
    receivedAt,
    binaryMediaTypes: settings.binaryMediaTypes,
    ...(claims ? { claims } : {}),
  });
  const integrationStarted = performance.now();
  const answer = await integrate(settings, stage, match.binding.functionName, event, {
    ids,
    accept,
    method,
    path,
    steps,
  });
  Object.assign(traceOf(res), { integrationLatencyMs: performance.now() - integrationStarted });
  send(res, answer);
}

/**
 * What the authorizer and validation steps tell a trace: every possible answer made once, since a
 * trace keeps them (the console's ring holds thousands of traces).
 */
const AUTHORIZER_STEP = {
  cached: Object.freeze({ 'local.authorizer': 'cached', 'local.authorized': true }),
  verified: Object.freeze({ 'local.authorizer': 'verified', 'local.authorized': true }),
  refused: Object.freeze({ 'local.authorizer': 'verified', 'local.authorized': false }),
} as const;
const VALID_STEP = {
  valid: Object.freeze({ 'local.valid': true }),
  invalid: Object.freeze({ 'local.valid': false }),
} as const;

// Invokes the function and turns what happened into API Gateway's answer.
async function integrate(
  settings: Settings,
  stage: Stage,
  functionName: string,
  event: Parameters<Invoker['invoke']>[1],
  request: {
    readonly ids: RequestIds;
    readonly accept: string | undefined;
    readonly method: string;
    readonly path: string;
    readonly steps: RequestSteps | undefined;
  },
): Promise<HttpResponse> {
  const { ids, accept, method, path, steps } = request;
  steps?.invoking();
  const outcome = await invokeWithTimeout(settings, functionName, event, steps);
  steps?.invoked(outcome.kind === 'result');
  const fail = (type: GatewayResponseType, cause: string) => {
    settings.log(`[gateway] ${method} ${path} → ${functionName}: ${cause} (request ${ids.requestId})`);
    return gatewayResponse(type, ids, new Date(), { definitions: stage.responses, accept });
  };
  switch (outcome.kind) {
    case 'timeout':
      return fail('integrationTimeout', `no answer within ${settings.integrationTimeoutMs} ms`);
    case 'error':
      return fail('integrationFailure', `function error ${outcome.errorType}: ${outcome.errorMessage}`);
    case 'payload-too-large':
      return outcome.direction === 'request'
        ? fail('lambdaRequestTooLong', 'event over the 6 MB invoke payload limit')
        : fail('integrationFailure', 'result over the 6 MB invoke payload limit');
    case 'result': {
      const check = validateProxyResult(outcome.value);
      if (!check.ok) return fail('integrationFailure', `malformed Lambda proxy response: ${check.reason}`);
      return toHttpResponse(check.result, {
        ids,
        accept,
        binaryMediaTypes: settings.binaryMediaTypes,
        now: new Date(),
        stage: { definitions: stage.responses, accept },
      });
    }
  }
}

// Like API Gateway, stop waiting at the integration timeout; the invocation itself runs on.
async function invokeWithTimeout(
  settings: Pick<Settings, 'invoker' | 'integrationTimeoutMs' | 'log'>,
  functionName: string,
  event: Parameters<Invoker['invoke']>[1],
  observer: InvocationObserver | undefined,
): Promise<InvokeOutcome | { readonly kind: 'timeout' }> {
  const controller = new AbortController();
  const invocation = settings.invoker.invoke(
    functionName,
    event,
    observer ? { signal: controller.signal, observer } : { signal: controller.signal },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ readonly kind: 'timeout' }>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), settings.integrationTimeoutMs);
  });
  try {
    const winner = await Promise.race([invocation, timeout]);
    if (winner.kind === 'timeout') {
      controller.abort();
      invocation.catch((error: unknown) =>
        settings.log(`[gateway] ${functionName} failed late: ${stackOf(error)}`),
      );
    }
    return winner;
  } finally {
    clearTimeout(timer);
  }
}

function send(res: ServerResponse, response: HttpResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.statusCode, withVaryOrigin(response.headers).flat());
  res.end(response.body);
}

/**
 * The "this machine" gate makes every answer depend on the request's Origin (a foreign one gets
 * a 403 instead), so every answer says so, lest a cache hand one origin's answer to another.
 */
function withVaryOrigin(headers: readonly HeaderLine[]): readonly HeaderLine[] {
  const varies = headers.some(
    ([name, value]) => name.toLowerCase() === 'vary' && /(?:^|,)\s*(?:origin|\*)\s*(?:,|$)/i.test(value),
  );
  return varies ? headers : [...headers, ['Vary', 'Origin']];
}

/**
 * The terminal's line for a request the gateway answered itself, before any function ran: which
 * request, which status, and why (AWS's answer to the client says little, as deployed).
 */
function refusalLine(status: number, method: string, path: string, reason: string): string {
  return `[gateway] ${status} ${method} ${path}: ${reason}`;
}

/** A request's path without its query string, which may carry what the terminal should not show. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

/** Why no route took a request: the methods its path has, or that no resource has that path. */
function missingRouteReason(stage: Stage, method: string, path: string): string {
  const methods = [...new Set(stage.routes.map((route) => route.method))].filter(
    (candidate) => stage.route(candidate, path).kind === 'integration',
  );
  const what = `no route ${method} ${path} (API Gateway answers "Missing Authentication Token")`;
  return methods.length > 0
    ? `${what}; the path has ${methods.join(', ')}`
    : `${what}; no resource has this path`;
}

/** Which limit a throttled request went over. */
function throttleReason(stage: Stage): string {
  const limits = stage.throttleLimits;
  return `over the stage's throttle${limits ? ` (${limits.rateLimit} requests/s, burst ${limits.burstLimit})` : ''}`;
}

/** The gate's answer: 403 for a request from outside this machine, 400 for one naming no single host. */
function refusedAnswer(refusal: Refusal, now: Date): HttpResponse {
  const ids = newRequestIds(now);
  if (refusal.status === 403) return refusedResponse(refusal.reason, ids, now);
  const problem = {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    detail: `Malformed request: ${refusal.reason}.`,
    instance: `urn:uuid:${ids.requestId}`,
  };
  const lines: HeaderLine[] = [
    ['Content-Type', MEDIA_TYPES.problem],
    ['x-amzn-ErrorType', 'BadRequestException'],
  ];
  return withGatewayHeaders(400, lines, Buffer.from(JSON.stringify(problem)), ids, now, false);
}

// `/prod/products` is the execute-api form of a URL (stage first); `/products` is what a custom
// domain mapped to the stage serves. Both reach the same resources; `requestContext.path` keeps
// whichever the client used, as AWS does, so `Location` headers built from it fit the caller.
function splitStage(path: string, stage: string): { basePath: string; path: string } {
  const prefix = `/${stage}`;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return { basePath: '', path };
  return { basePath: prefix, path: path.slice(prefix.length) || '/' };
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
