// The protocol between the host (function-instance.ts) and the code inside an instance's worker
// (worker-bootstrap.ts). Events and results cross as JSON strings, as they cross Lambda's Runtime API.

/** Fixed for the instance's life: passed as `workerData`. */
export interface InstanceData {
  readonly bundleFile: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** Host → instance. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly eventJson: string;
  /** Epoch ms after which the host terminates the instance. */
  readonly deadline: number;
  /** Set on the instance's first invocation only: it goes on that invocation's REPORT line. */
  readonly initDurationMs?: number;
}

/** A function error as Lambda reports it. */
export interface ErrorShape {
  readonly errorType: string;
  readonly errorMessage: string;
}

/** Instance → host. `maxMemoryUsedMb` is the instance's peak so far (see worker-bootstrap.ts). */
export type InstanceMessage =
  | { readonly type: 'ready'; readonly maxMemoryUsedMb: number }
  | ({ readonly type: 'init-error' } & ErrorShape)
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly json: string;
      readonly maxMemoryUsedMb: number;
    }
  | ({ readonly type: 'error'; readonly requestId: string; readonly maxMemoryUsedMb: number } & ErrorShape)
  /** An exception or rejection escaped the handler: the instance exits right after this message. */
  | ({ readonly type: 'crash' } & ErrorShape);
