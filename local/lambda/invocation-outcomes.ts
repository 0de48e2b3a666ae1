// How an invocation ends, in Lambda's words: the outcome handed to API Gateway and, when the
// instance died, the closing log lines the platform writes in the function's place.
import type { InvokeOutcome } from '#local/contracts.ts';
import type { ErrorShape, InstanceMessage } from './instance-messages.ts';
import {
  endLine,
  type ReportFields,
  reportLine,
  runtimeExitLines,
  timedOutMessage,
} from './lambda-log-lines.ts';

/** Lambda's limit on a synchronous invocation's request and response payloads: 6 MB. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * The Node.js 24 runtime's message (aws-lambda-nodejs-runtime-interface-client, errors and
 * constants) when the handler is declared with three or more parameters, callback style: init
 * fails with `Runtime.CallbackHandlerDeprecated`.
 */
export const CALLBACK_HANDLER_MESSAGE =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

export const SHUTDOWN_OUTCOME: InvokeOutcome = {
  kind: 'error',
  errorType: 'ServiceException',
  errorMessage: 'The local Lambda service is shutting down',
};

export type Reply = Extract<InstanceMessage, { type: 'result' | 'error' }>;

/** Closing lines to log and the outcome of an invocation whose instance died. */
export interface Ending {
  readonly lines: readonly string[];
  readonly outcome: InvokeOutcome;
}

export interface RuntimeExit {
  /** As Lambda words it after "Runtime exited with error: ". */
  readonly reason: string;
  readonly errorType: 'Runtime.OutOfMemory' | 'Runtime.ExitError';
}

/** The outcome of an invocation the handler finished, result or error. */
export function replyOutcome(reply: Reply): InvokeOutcome {
  if (reply.type === 'error')
    return { kind: 'error', errorType: reply.errorType, errorMessage: reply.errorMessage };
  if (Buffer.byteLength(reply.json) > MAX_PAYLOAD_BYTES)
    return { kind: 'payload-too-large', direction: 'response' };
  return { kind: 'result', value: JSON.parse(reply.json) };
}

export function runtimeExit(exitCode: number, outOfMemory: boolean): RuntimeExit {
  return outOfMemory
    ? { reason: 'signal: killed', errorType: 'Runtime.OutOfMemory' }
    : { reason: `exit status ${exitCode}`, errorType: 'Runtime.ExitError' };
}

/** The function ran past its timeout and its instance was stopped. */
export function timedOutEnding(report: ReportFields): Ending {
  const message = timedOutMessage(report.requestId, report.durationMs);
  return {
    lines: [endLine(report.requestId), reportLine({ ...report, status: 'timeout' }), message],
    outcome: { kind: 'error', errorType: 'Sandbox.Timedout', errorMessage: message },
  };
}

/**
 * The instance died during the invocation. If an exception escaped the handler, the runtime
 * reported it before exiting and that is the outcome (as Lambda's Node.js runtime does);
 * otherwise (process.exit, out of memory) the outcome is the runtime's exit.
 */
export function crashEnding(
  report: ReportFields,
  exit: RuntimeExit,
  escaped: ErrorShape | undefined,
): Ending {
  const { requestId } = report;
  const exitError = {
    errorType: exit.errorType,
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exit.reason}`,
  };
  const error = exit.errorType === 'Runtime.OutOfMemory' ? exitError : (escaped ?? exitError);
  return {
    lines: [
      endLine(requestId),
      reportLine({ ...report, status: 'error', errorType: exit.errorType }),
      ...runtimeExitLines(requestId, exit.reason, exit.errorType),
    ],
    outcome: { kind: 'error', ...error },
  };
}
