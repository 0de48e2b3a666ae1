// `npm run token`: an ID token of the local user pool (see local/auth/).
import { runTokenCommand } from './auth/token-command.ts';

runTokenCommand(
  process.argv.slice(2),
  process.env,
  (line) => console.log(line),
  (line) => console.error(line),
).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // One line naming the problem; the full usage is one --help away.
    console.error(
      `npm run token: ${error instanceof Error ? error.message : String(error)}. See npm run token -- --help`,
    );
    process.exit(2);
  },
);
