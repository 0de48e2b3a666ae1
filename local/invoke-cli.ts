// `npm run invoke`: one function, once, with a given or built event (see local/invoke/).
import { text } from 'node:stream/consumers';
import { runInvokeCommand } from './invoke/invoke-command.ts';

// As npm start: Lambda's clock is UTC, and the SDK's notice about this tool's own Node is noise.
process.env.TZ = 'UTC';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

runInvokeCommand(process.argv.slice(2), {
  out: (output) => process.stdout.write(output),
  err: (line) => process.stderr.write(`${line}\n`),
  stdin: () => text(process.stdin),
  env: process.env,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `npm run invoke: ${error instanceof Error ? error.message : String(error)}. See npm run invoke -- --help`,
    );
    process.exit(2);
  },
);
