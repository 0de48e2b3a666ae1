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
