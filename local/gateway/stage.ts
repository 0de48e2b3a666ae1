// What makes the local gateway the deployed stage rather than a bare router: its name, CORS
// origins, gateway responses, throttle and body validators, plus the local-only "this machine" gate.
import type { IncomingMessage } from 'node:http';
import type { RouteBinding } from '#local/contracts.ts';
import { type ExposureOptions, isAllowedHost, isAllowedOrigin } from '#local/exposure.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { type GatewayResponseDefinition, gatewayResponses } from '#src/declaration/gateway-responses.ts';
import { headerValue } from './incoming-request.ts';
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
  /** Which Host names and browser Origins besides loopback ones may use the gateway. */
  readonly exposure?: ExposureOptions;
}

export interface Stage {
  readonly name: string;
  readonly corsOrigins: readonly string[];
  readonly responses: readonly GatewayResponseDefinition[];
  /** Takes a token from the stage's bucket; false means throttled. */
  admit(): boolean;
  /** The body validator of a route that declares models. */
  validatorOf(route: RouteBinding): BodyValidator | undefined;
  /** Why a request from outside this machine is refused, or undefined when it may go on. */
  refusalOf(req: IncomingMessage): string | undefined;
}

/**
 * Builds the stage of a gateway from its options, with the deployed defaults (`prod`, 100
 * requests/s with a burst of 200, CORS for `*`).
 *
 * @example
 * const stage = createStage(routes, { throttle: false });
 * if (!stage.admit()) answer429();
 */
export function createStage(routes: readonly RouteBinding[], options: StageOptions): Stage {
  const corsOrigins = options.corsOrigins ?? DEFAULT_API_SETTINGS.corsOrigins;
  const throttle = options.throttle ?? {
    rateLimit: DEFAULT_API_SETTINGS.throttlingRateLimit,
    burstLimit: DEFAULT_API_SETTINGS.throttlingBurstLimit,
  };
  const bucket = throttle ? tokenBucket(throttle) : undefined;
  const exposure = options.exposure ?? {};
  const validators = new Map(
    routes.flatMap((route) =>
      route.requestModels ? [[route, bodyValidator(route.requestModels)] as const] : [],
    ),
  );
  return {
    name: options.stage ?? DEFAULT_API_SETTINGS.stageName,
    corsOrigins,
    responses: gatewayResponses(corsOrigins),
    admit: () => bucket?.take() ?? true,
    validatorOf: (route) => validators.get(route),
    refusalOf(req) {
      const host = headerValue(req, 'host');
      if (!isAllowedHost(host, req.socket.localPort ?? 0, exposure)) {
        return `the local gateway answers loopback host names only, not "${host ?? ''}"`;
      }
      const origin = headerValue(req, 'origin');
      if (!isAllowedOrigin(origin, exposure)) {
        return `the local gateway serves loopback origins only, not "${origin ?? ''}"`;
      }
      return undefined;
    },
  };
}
