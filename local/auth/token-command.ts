// `npm run token`: mints a token of the local user pool, for curl and scripts.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { LOCAL_URL } from '#client/local-url.ts';
import { DEFAULT_DATA_DIR, dataFolder } from '#local/private-data-folder.ts';
import { parseCommandLine } from '#local/tools/command-line.ts';
import { npmCommand } from '#local/tools/runtime-file.ts';
import { MAX_TOKEN_LIFETIME_SECONDS } from '#src/declaration/access.ts';
import { DEFAULT_TOKEN_SECONDS, openLocalUserPool, userPoolFile } from './local-user-pool.ts';

/** `npm run token`'s command line. */
export function tokenCommand(): Command {
  return new Command('npm run -s token --')
    .usage('--user <name> [options]')
    .description(
      "Prints an ID token of the local user pool that npm start keeps in its data folder; the local gateway accepts it as the deployed API's Cognito authorizer accepts Cognito's.",
    )
    .option('--user <name>', 'the user (cognito:username), required; its sub is stable for the data folder')
    .option(
      '--group <name>',
      'a group the user is in (cognito:groups), repeatable',
      (v, p: string[] = []) => [...p, v],
    )
    .option(
      '--expires-in <s>',
      `seconds until the token expires (default ${DEFAULT_TOKEN_SECONDS}, Cognito's)`,
    )
    .option('--access', 'an access token instead: the API refuses it (its authorizer asks for ID tokens)')
    .option('--data-dir <dir>', `the data folder of npm start (env DATA_DIR, default ${DEFAULT_DATA_DIR})`)
    .option('--claims', "print the token's claims too (on stderr)")
    .helpOption('--help', 'this text')
    .addHelpText(
      'after',
      `
The user pool must exist: npm start makes it in its data folder on its first start. A folder
without one is an error, never a new pool (its tokens would be refused by the running system).

Example:
  TOKEN=$(npm run -s token -- --user alice --group admin)
  curl -H "Authorization: $TOKEN" ${LOCAL_URL}/products`,
    );
}

/** `npm run token`'s help text. */
export const TOKEN_USAGE = (() => {
  const parsed = parseCommandLine(tokenCommand(), ['--help']);
  return parsed.kind === 'help' ? parsed.text : '';
})();

/** Runs the command; returns the exit code. Usage errors and a missing pool throw. */
export async function runTokenCommand(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const parsed = parseCommandLine(tokenCommand(), argv);
  if (parsed.kind === 'help') {
    out(parsed.text);
    return 0;
  }
  const values = parsed.options as {
    user?: string;
    group?: string[];
    expiresIn?: string;
    access?: boolean;
    dataDir?: string;
    claims?: boolean;
  };
  const user = values.user?.trim();
  if (!user) throw new Error('--user is required');
  const expiresText = values.expiresIn;
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
  const dataDir = dataFolder(values.dataDir, env);
  // Never a new pool here: its tokens would be refused by the system running on another folder.
  if (!existsSync(userPoolFile(dataDir)))
    throw new Error(
      `No local user pool in ${dataDir}: npm start makes it there on its first start. Start the system (${npmCommand('start', dataDir)}), or pass the --data-dir it runs with`,
    );
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
