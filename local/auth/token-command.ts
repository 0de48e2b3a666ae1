// `npm run token`: mints a token of the local user pool, for curl and scripts.
import { parseArgs } from 'node:util';
import { LOCAL_URL } from '#client/local-url.ts';
import { DEFAULT_DATA_DIR, dataFolder } from '#local/private-data-folder.ts';
import { MAX_TOKEN_LIFETIME_SECONDS } from '#src/declaration/access.ts';
import { DEFAULT_TOKEN_SECONDS, openLocalUserPool } from './local-user-pool.ts';

export const TOKEN_USAGE = `Usage: npm run -s token -- --user <name> [options]

  Prints an ID token of the local user pool (the one \`npm start\` keeps in its data folder);
  the local gateway accepts it as the deployed API's Cognito authorizer accepts Cognito's.

  --user <name>        the user (cognito:username); its sub is stable for the data folder
  --group <name>       a group the user is in (cognito:groups), repeatable
  --expires-in <s>     seconds until the token expires (default ${DEFAULT_TOKEN_SECONDS}, Cognito's)
  --access             an access token instead: the API refuses it (its authorizer asks for ID tokens)
  --data-dir <dir>     the data folder of npm start (env DATA_DIR, default ${DEFAULT_DATA_DIR})
  --claims             print the token's claims too (on stderr)

  Example:
    TOKEN=$(npm run -s token -- --user alice --group admin)
    curl -H "Authorization: $TOKEN" ${LOCAL_URL}/products`;

/** Runs the command; returns the exit code. */
export async function runTokenCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      user: { type: 'string' },
      group: { type: 'string', multiple: true },
      'expires-in': { type: 'string' },
      access: { type: 'boolean' },
      'data-dir': { type: 'string' },
      claims: { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    out(TOKEN_USAGE);
    return 0;
  }
  const user = values.user?.trim();
  if (!user) throw new Error('--user is required');
  const expiresText = values['expires-in'];
  const expiresInSeconds = expiresText === undefined ? DEFAULT_TOKEN_SECONDS : Number(expiresText);
  if (
    !Number.isInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_TOKEN_LIFETIME_SECONDS
  ) {
    throw new Error(
      `--expires-in must be a whole number of seconds from 1 to ${MAX_TOKEN_LIFETIME_SECONDS}, not "${expiresText}"`,
    );
  }
  const dataDir = dataFolder(values['data-dir'], env);
  const pool = await openLocalUserPool(dataDir);
  const token = await pool.mint({
    user,
    groups: values.group ?? [],
    tokenUse: values.access ? 'access' : 'id',
    expiresInSeconds,
  });
  if (values.claims) {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    err(JSON.stringify(payload, null, 2));
  }
  out(token);
  return 0;
}
