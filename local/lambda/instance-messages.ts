// The protocol between the host (function-instance.ts) and the code inside an instance's process
// (instance-bootstrap.ts), carried by the process's IPC channel. Events and results cross as JSON strings, as they cross Lambda's Runtime API.

/** Fixed for the instance's life: the instance process's one argument, as JSON. */
export interface InstanceData {
  readonly bundleFile: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /**
   * Console output below this level is dropped, as Lambda's runtime drops it in the JSON log
   * format; null in the text format, which has no filter.
   */
  readonly minimumLogLevel: string | null;
}

/**
 * Host → a standby process (started ahead of need, see standby-processes.ts): become this
 * instance. It then has what a process started for it has: this environment, this working
 * directory, this data.
 */
export interface BeginMessage {
  readonly type: 'begin';
  readonly data: InstanceData;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Host → instance. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly eventJson: string;
  /** Epoch ms after which the host terminates the instance. */
  readonly deadline: number;
  /** `_X_AMZN_TRACE_ID` during this invocation. */
  readonly traceId: string;
}

/** A function error as Lambda reports it. */
export interface ErrorShape {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** What the host needs to write an invocation's REPORT line. */
export interface InvocationMetrics {
  readonly requestId: string;
  /** The handler's own time, measured inside the instance. */
  readonly durationMs: number;
  readonly maxMemoryUsedMb: number;
  /** What the instance's temp folder holds after the invocation, measured on the instance's thread. */
  readonly tmpBytes: number;
}

/**
 * Instance → host. `maxMemoryUsedMb` is the instance's peak so far (see instance-bootstrap.ts).
 * Output lines travel on the same port as replies, so they reach the host before the reply of
 * the invocation that printed them.
 */
export type InstanceMessage =
  | { readonly type: 'log'; readonly lines: readonly string[] }
  | { readonly type: 'ready'; readonly maxMemoryUsedMb: number }
  | ({ readonly type: 'init-error' } & ErrorShape)
  | ({ readonly type: 'result'; readonly json: string } & InvocationMetrics)
  | ({ readonly type: 'error' } & InvocationMetrics & ErrorShape)
  /** An exception or rejection escaped the handler: the instance exits right after this message. */
  | ({ readonly type: 'crash' } & ErrorShape)
  /**
   * The instance's memory outside the V8 heap limit (Buffers, ArrayBuffers) took it past its
   * memory size: it exits right after this message, as Lambda kills it.
   */
  | { readonly type: 'out-of-memory' };
