// What the guard tells an observer (the local console's tracer) about one call, once it is answered.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDbCallRecord } from '#local/contracts.ts';

/** The parts of a call's record learnt while it is checked; the rest is read from the request. */
export interface CallNote {
  functionName?: string;
  operation?: string | null;
  tables?: readonly string[];
  body?: string;
  iam?: DynamoDbCallRecord['iam'];
  fault?: string;
}

/** Starts a note for this call; `onCall` gets the record when the answer is sent or the caller goes. */
export function observeCall(
  req: IncomingMessage,
  res: ServerResponse,
  onCall: (call: DynamoDbCallRecord) => void,
): CallNote {
  const startTime = performance.timeOrigin + performance.now();
  const note: CallNote = {};
  // `close` comes once per response: `on` spares the wrapper `once` makes for every call.
  res.on('close', () => {
    const traceHeader = req.headers['x-amzn-trace-id'];
    try {
      // One shape for every record, absent parts undefined: the tracer keeps them with its traces.
      onCall({
        traceHeader: Array.isArray(traceHeader) ? traceHeader[0] : traceHeader,
        functionName: note.functionName,
        operation: note.operation ?? null,
        tables: note.tables ?? [],
        body: note.body ?? '',
        attempt: attemptOf(req.headers['amz-sdk-request']),
        iam: note.iam,
        fault: note.fault,
        startTime,
        endTime: performance.timeOrigin + performance.now(),
        statusCode: res.writableFinished ? res.statusCode : 0,
      });
    } catch {
      // The observer's failure must not touch the call, which is answered already.
    }
  });
  return note;
}

/** The SDK's attempt number from its `amz-sdk-request: attempt=2; max=3` header; 1 without it. */
function attemptOf(header: string | string[] | undefined): number {
  const value = Array.isArray(header) ? header[0] : header;
  const at = value?.indexOf('attempt=') ?? -1;
  if (value === undefined || at < 0) return 1;
  const attempt = Number.parseInt(value.slice(at + 'attempt='.length), 10);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}
