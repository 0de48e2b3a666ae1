// What makes the local gateway the deployed stage rather than a bare router: its name, routes, body
// validators, authorizer requirements, CORS origins, gateway responses and throttle, plus the
// local-only "this machine" gate. All of it is one value, built from the declarations' routes and
// the stage's settings; a reload builds a new one and the gateway swaps it whole, so no rule can
// be looked up in a previous generation (as body validators once were, keyed by old route objects).
import type { IncomingMessage } from 'node:http';
import type { RouteBinding } from '#local/contracts.ts';
import { type ExposureOptions, isAllowedHost, isAllowedOrigin, requestAuthority } from '#local/exposure.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { type GatewayResponseDefinition, gatewayResponses } from '#src/declaration/gateway-responses.ts';
import { headerValue } from './incoming-request.ts';
import { createRouter, type RouteMatch } from './match-route.ts';
import { type ThrottleLimits, tokenBucket } from './token-bucket.ts';
import { type BodyValidator, bodyValidator } from './validate-body.ts';

export interface StageOptions {
  /**
   * Stage name, the deployed one (`prod`) by default. URLs may name it first, like execute-api URLs
   * (`/prod/products`), or leave it out, like a custom domain mapped to the stage (`/products`).
   */
  readonly stage?: string;
  /** The stage's CORS origins: its preflights and gateway responses answer with them. Defaults to `*`. */
  readonly corsOrigins?: readonly string[];
  /** The stage's throttle (a token bucket), or false for none. Defaults to the deployed limits. */
  readonly throttle?: ThrottleLimits | false;
  /** The throttle's clock in ms (`performance.now` by default); tests move it instead of waiting. */
  readonly clock?: () => number;
  /** Which Host names and browser Origins besides loopback ones may use the gateway. */
  readonly exposure?: ExposureOptions;
  /**
   * The stage's gateway responses, as the synthesized template defines them; by default those the
   * stack deploys for `corsOrigins`.
   */
  readonly responses?: readonly GatewayResponseDefinition[];
}

/** A route as the stage serves it: the declared binding, and the validator built from its models. */
export interface StageRoute extends RouteBinding {
  /** Present when the route declares body models. */
  readonly validate?: BodyValidator;
}

/** Why a request is refused before anything else: malformed (400) or not from this machine (403). */
export interface Refusal {
  readonly status: 400 | 403;
  readonly reason: string;
}

export interface Stage {
  readonly name: string;
  readonly corsOrigins: readonly string[];
  readonly responses: readonly GatewayResponseDefinition[];
  /** The routes this stage serves, as declared. */
  readonly routes: readonly RouteBinding[];
  /** The route a request takes, validator and authorization included. */
  route(method: string, path: string): RouteMatch<StageRoute>;
  /** Takes a token from the stage's bucket; false means throttled. */
  admit(): boolean;
  /** The throttle's limits, for saying which one a request went over; false when there is none. */
  readonly throttleLimits: ThrottleLimits | false;
  /** Why a request is refused at the door, or undefined when it may go on. */
  refusalOf(req: IncomingMessage): Refusal | undefined;
  /**
   * The same stage serving `routes` (a reload): everything derived from routes is built anew, in
   * one value. The throttle bucket carries over: a reload is not a redeployment, and on AWS the
   * stage's throttle does not reset when its methods change.
   */
  withRoutes(routes: readonly RouteBinding[]): Stage;
}

/**
 * Builds the stage of a gateway from its routes and options, with the deployed defaults (`prod`,
 * 100 requests/s with a burst of 200, CORS for `*`). Throws when the routes clash.
 *
 * @example
 * const stage = createStage(routes, { throttle: false });
 * if (!stage.admit()) answer429();
 * const next = stage.withRoutes(reloadedRoutes);
 */
export function createStage(routes: readonly RouteBinding[], options: StageOptions): Stage {
  const corsOrigins = options.corsOrigins ?? DEFAULT_API_SETTINGS.corsOrigins;
  const throttle = options.throttle ?? {
    rateLimit: DEFAULT_API_SETTINGS.throttlingRateLimit,
    burstLimit: DEFAULT_API_SETTINGS.throttlingBurstLimit,
  };
  const bucket = throttle ? tokenBucket(throttle, options.clock) : undefined;
  const exposure = options.exposure ?? {};
  const fixed = {
    name: options.stage ?? DEFAULT_API_SETTINGS.stageName,
    corsOrigins,
    responses: options.responses ?? gatewayResponses(corsOrigins),
    admit: () => bucket?.take() ?? true,
    throttleLimits: throttle,
    refusalOf(req: IncomingMessage): Refusal | undefined {
      const authority = requestAuthority(req);
      if (authority.kind === 'malformed') return { status: 400, reason: authority.reason };
      if (!isAllowedHost(authority.host, req.socket.localPort ?? 0, exposure)) {
        const reason = `the local gateway answers loopback host names only, not "${authority.host ?? ''}"`;
        return { status: 403, reason };
      }
      const origin = headerValue(req, 'origin');
      if (!isAllowedOrigin(origin, exposure)) {
        return {
          status: 403,
          reason: `the local gateway serves loopback origins only, not "${origin ?? ''}"`,
        };
      }
      return undefined;
    },
  };
  const serving = (declared: readonly RouteBinding[]): Stage => {
    const route = createRouter(
      declared.map(
        (binding): StageRoute =>
          binding.requestModels ? { ...binding, validate: bodyValidator(binding.requestModels) } : binding,
      ),
    );
    return { ...fixed, routes: declared, route, withRoutes: serving };
  };
  return serving(routes);
}
