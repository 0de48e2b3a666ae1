// `npm run token`: an ID token of the local user pool (see local/auth/).
import { runTokenCommand, TOKEN_USAGE } from './auth/token-command.ts';

runTokenCommand(
  process.argv.slice(2),
  process.env,
  (line) => console.log(line),
  (line) => console.error(line),
).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${TOKEN_USAGE}`);
    process.exit(2);
  },
);
