// The seams between the parts of the local runtime: gateway → lambda → dynamodb.
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What invoking a function produced, as the Lambda service reports it to API Gateway. */
export type InvokeOutcome =
  /** The handler returned (or resolved) this value; API Gateway still has to validate it. */
  | { readonly kind: 'result'; readonly value: unknown }
  /** The handler threw, rejected, the instance crashed, ran out of memory or timed out. */
  | { readonly kind: 'error'; readonly errorType: string; readonly errorMessage: string }
  /** The request or response payload is over Lambda's 6 MB synchronous limit. */
  | { readonly kind: 'payload-too-large'; readonly direction: 'request' | 'response' };

export interface InvokeOptions {
  /**
   * API Gateway gives up waiting after this many ms (its 29 s integration timeout) and answers 504;
   * the function invocation itself carries on until its own timeout, as on AWS.
   */
  readonly signal?: AbortSignal;
  /** Told how the invocation goes: how the local console's traces see the wait, the init and the run. */
  readonly observer?: InvocationObserver;
}

/**
 * What the Lambda service tells of one invocation. Plain calls with plain values: the tracer
 * implements it on the object it already keeps per request, so the request path allocates nothing
 * for it.
 */
export interface InvocationObserver {
  /**
   * An instance takes the invocation (after any wait for one): Lambda's request id
   * (`START RequestId: …`), and whether the instance was started for it (a cold start).
   */
  started(invocationId: string, cold: boolean): void;
  /** It ended: the figures of its REPORT line, in ms (the init's only after a cold start). */
  reported(durationMs: number, initDurationMs: number | undefined): void;
}

/**
 * Told of each request the gateway handles, step by step, for the local console's traces. The
 * gateway works the same without one; the calls are cheap and never throw.
 */
export interface RequestObserver {
  begin(request: {
    readonly requestId: string;
    /** The `X-Amzn-Trace-Id` the gateway passes to the function (its `Root=…` names the trace). */
    readonly traceHeader: string;
    readonly method: string;
    readonly path: string;
  }): RequestSteps;
}

/** One request's steps, as the gateway reports them; the Lambda service reports its invocation. */
export interface RequestSteps extends InvocationObserver {
  /** The route matched: its resource template and function. */
  matched(resource: string, functionName: string): void;
  /** A step starts now; the function returned ends it, with what was learnt. */
  step(name: string): (attributes?: Readonly<Record<string, string | number | boolean>>) => void;
  /** The verified caller's user name. */
  verified(username: string | undefined): void;
  /** The function is invoked now (its wait for an instance begins). */
  invoking(): void;
  /** The invocation's outcome is in, or the gateway stopped waiting: `ok` when it is a result. */
  invoked(ok: boolean): void;
  /** The answer was sent (or the client went away) with this status. */
  answered(statusCode: number): void;
}

/** Something that can invoke a function by name: the local Lambda service. */
export interface Invoker {
  invoke(functionName: string, event: APIGatewayProxyEvent, options?: InvokeOptions): Promise<InvokeOutcome>;
}

/** A route of the REST API: `method` + resource template → function. */
export interface RouteBinding {
  readonly method: string;
  /** Resource template, e.g. `/products/{id}`. */
  readonly resource: string;
  readonly functionName: string;
  /**
   * The method's body models, media type → draft-4 JSON Schema, validated before the function
   * runs as the stage's body validator does; absent when the route declares no body.
   */
  readonly requestModels?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /**
   * The method's authorization, as the stack sets it: `COGNITO_USER_POOLS` when its access rule
   * needs a token (the gateway verifies it first), `NONE` (or absent) for a public route.
   */
  readonly authorizationType?: 'NONE' | 'COGNITO_USER_POOLS';
}

/** Where each function's log lines go (the terminal, and per-function logs like CloudWatch's log groups). */
export interface LogSink {
  /** `logStream` names the instance's stream, e.g. `2026/11/25/[$LATEST]3f2a…`. */
  write(functionName: string, line: string, logStream?: string): void;
  /**
   * Says that `logStream` will get no more lines (its instance is gone), so that a sink keeping a
   * file per stream can close it.
   */
  end?(functionName: string, logStream: string): void;
}

/** One call a function made to DynamoDB through the local IAM guard, as the guard saw it. */
export interface DynamoDbCallRecord {
  /** The `X-Amzn-Trace-Id` the SDK sent (it copies `_X_AMZN_TRACE_ID`): names the request's trace. */
  readonly traceHeader: string | undefined;
  readonly functionName: string | undefined;
  /** `GetItem`, `Query`, …; null when the request named no DynamoDB operation. */
  readonly operation: string | null;
  readonly tables: readonly string[];
  /** The request body, parsed only by an observer that wants the key or the index. */
  readonly body: string;
  /** The SDK's attempt number (`amz-sdk-request: attempt=2`): above 1, a retry. */
  readonly attempt: number;
  /** The IAM decision, when the call got that far. */
  readonly iam?: {
    readonly decision: 'allow' | 'deny';
    /** The statements that decided, each as its `Sid` or its JSON. */
    readonly statements: readonly string[];
    /** On deny: the permission that was missing. */
    readonly missing?: { readonly action: string; readonly resource: string };
    readonly reason?: string;
  };
  /** The fault injected, e.g. `throttle` or `latency 200 ms`. */
  readonly fault?: string;
  /** Epoch ms, fractional. */
  readonly startTime: number;
  readonly endTime: number;
  readonly statusCode: number;
}
