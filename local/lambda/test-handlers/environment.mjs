// Reports what the instance sees of its process and its invocation context.
import os from 'node:os';

export const handler = async (_event, context) => ({
  pid: process.pid,
  env: { ...process.env },
  execArgv: process.execArgv,
  cwd: process.cwd(),
  tmpdir: os.tmpdir(),
  context: { ...context, remainingMs: context.getRemainingTimeInMillis() },
});
