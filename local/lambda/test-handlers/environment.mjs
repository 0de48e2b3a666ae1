// Reports what the instance sees of its process and its invocation context.
export const handler = async (_event, context) => ({
  env: { ...process.env },
  execArgv: process.execArgv,
  context: { ...context, remainingMs: context.getRemainingTimeInMillis() },
});
