// `npm run verify -- --url <api>`: the HTTP contract tests against a running API (see docs/deploy.md,
// "Verify a deployment").
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { VERIFY_ENV } from '../test/support/verify-env.ts';

/** Where `npm run deploy` saves the stack's outputs (cdk.json's `outputsFile`). */
const OUTPUTS_FILE = 'cdk-outputs.json';
/** The user and group a token is asked for: the suites write products, which admins may. */
const TOKEN_USER = { user: 'verify-admin', group: 'admin' } as const;
const LOCAL_TOKEN_COMMAND = 'npm run -s token -- --user "$SM_VERIFY_USER" --group "$SM_VERIFY_GROUP"';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const USAGE = `Usage: npm run verify -- --url <api> [options]

Runs the HTTP contract tests (products, concurrent writers, the OpenAPI document, the typed
client) against a running API, and deletes what they created.

  --url <api>              the API's base URL: the local system (http://127.0.0.1:3000), or the
                           stack's ApiUrl (with its stage, e.g. https://…/prod/)
  --token-command <cmd>    a shell command printing an ID token of user $SM_VERIFY_USER
                           (${TOKEN_USER.user}) in group $SM_VERIFY_GROUP (${TOKEN_USER.group}); the local system's
                           default: ${LOCAL_TOKEN_COMMAND}
  --outputs-file <file>    the stack outputs npm run deploy saved (default ${OUTPUTS_FILE}); a URL
                           other than its ApiUrl is refused
  --force                  run against a URL that is neither loopback nor the stack's ApiUrl
  --help                   this text

Examples:
  npm run verify -- --url http://127.0.0.1:3000
  npm run verify -- --url "$API" --token-command 'aws cognito-idp initiate-auth …'   (docs/deploy.md)`;

function fail(message: string, code = 2): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(code);
}

let values: {
  url?: string;
  'token-command'?: string;
  'outputs-file'?: string;
  force?: boolean;
  help?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      url: { type: 'string' },
      'token-command': { type: 'string' },
      'outputs-file': { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.url) fail('--url is required');
let target: URL;
try {
  target = new URL(values.url);
} catch {
  fail(`--url ${values.url} is not a URL`);
}
const normalized = (url: string) => url.replace(/\/+$/, '');
const local = LOOPBACK.has(target.hostname);

/** Every `ApiUrl` the outputs file holds (one per deployed stack), or why there is none. */
async function stackApiUrls(file: string): Promise<string[] | string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return `there is no ${path.relative(process.cwd(), file)} (npm run deploy writes it)`;
  }
  const stacks = JSON.parse(text) as Record<string, Record<string, string>>;
  const urls = Object.values(stacks).flatMap((outputs) => (outputs.ApiUrl ? [outputs.ApiUrl] : []));
  return urls.length > 0 ? urls : `${path.relative(process.cwd(), file)} holds no ApiUrl`;
}

if (!local && !values.force) {
  // A contract run writes and deletes items: only against the stack this project deployed.
  const file = path.resolve(values['outputs-file'] ?? path.join(PROJECT_ROOT, OUTPUTS_FILE));
  const urls = await stackApiUrls(file);
  if (typeof urls === 'string' || !urls.map(normalized).includes(normalized(target.href))) {
    fail(
      `Refusing to run against ${target.href}: it is not the ApiUrl the stack printed ` +
        `(${typeof urls === 'string' ? urls : urls.join(', ')}). Pass --force if it is yours.`,
    );
  }
}
const tokenCommand = values['token-command'] ?? (local ? LOCAL_TOKEN_COMMAND : undefined);
if (!tokenCommand)
  fail('A deployed API needs --token-command: a command that prints an ID token of its user pool');

let token: string;
try {
  const { stdout } = await promisify(execFile)('sh', ['-c', tokenCommand], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, SM_VERIFY_USER: TOKEN_USER.user, SM_VERIFY_GROUP: TOKEN_USER.group },
  });
  token = stdout.trim();
} catch (error) {
  const stderr = (error as { stderr?: string }).stderr ?? String(error);
  fail(`The token command failed: ${tokenCommand}\n${stderr.trim()}`, 1);
}
if (!token) fail(`The token command printed nothing: ${tokenCommand}`, 1);

console.log(`Verifying ${normalized(target.href)} (${local ? 'loopback' : 'deployed stack'})`);
// Run from inside another test run (as the verify test does), Node's runner would report to its
// parent through this variable instead of printing: the run is a run of its own.
const { NODE_TEST_CONTEXT: _parent, ...runnerEnv } = process.env;
const suite = path.join(PROJECT_ROOT, 'test', 'integration', 'verify-target.ts');
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', suite], {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: { ...runnerEnv, [VERIFY_ENV.url]: normalized(target.href), [VERIFY_ENV.token]: token },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
