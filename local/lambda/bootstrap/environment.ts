// What the function sees of its surroundings: the command line of a runtime, the trace header in
// its environment, and the context object passed to each invocation.
import type { Context } from 'aws-lambda';
import type { BeginMessage, InstanceData, InvokeMessage } from '../instance-messages.ts';

/** The context Lambda passes to handlers, without the long-deprecated done/succeed/fail. */
export type LambdaContext = Omit<Context, 'done' | 'fail' | 'succeed'>;

/**
 * What the instance is: its process's one argument (spawn-instance.ts), taken off argv so that the
 * function sees the command line of a runtime (the node binary and this file); or, for a process
 * started ahead of need (a standby, with no argument), the host's `begin` message, which brings
 * the instance's environment and working directory too, set here before any of its code loads.
 */
export async function takeInstanceData(): Promise<InstanceData> {
  const argument = process.argv[2];
  if (argument !== undefined) {
    process.argv.splice(2);
    return JSON.parse(argument) as InstanceData;
  }
  const begin = await new Promise<BeginMessage>((resolve) => {
    const onMessage = (message: BeginMessage) => {
      if (message.type !== 'begin') return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
  });
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, begin.env);
  process.chdir(begin.cwd);
  return begin.data;
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
