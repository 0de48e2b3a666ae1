// What the function sees of its surroundings: the command line of a runtime, the trace header in
// its environment, and the context object passed to each invocation.
import type { Context } from 'aws-lambda';
import type { InstanceData, InvokeMessage } from '../instance-messages.ts';

/** The context Lambda passes to handlers, without the long-deprecated done/succeed/fail. */
export type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;

/**
 * What the instance is comes as its one argument (spawn-instance.ts), taken off argv so that the
 * function sees the command line of a runtime: the node binary and this file.
 */
export function takeInstanceData(): InstanceData {
  const instance: InstanceData = JSON.parse(process.argv[2] ?? '{}');
  process.argv.splice(2);
  return instance;
}

/** Each invocation continues the trace API Gateway started, as Lambda sets it per invocation. */
export function enterInvocation(message: InvokeMessage): void {
  process.env._X_AMZN_TRACE_ID = message.traceId;
}

export function lambdaContext(instance: InstanceData, message: InvokeMessage): LambdaContext {
  return {
    functionName: instance.functionName,
    functionVersion: instance.functionVersion,
    invokedFunctionArn: instance.invokedFunctionArn,
    memoryLimitInMB: String(instance.memoryMb),
    awsRequestId: message.requestId,
    logGroupName: instance.logGroupName,
    logStreamName: instance.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}
