// `npm run invoke`: runs one function once, as `sam local invoke` does, in a fresh instance of the
// local Lambda service (the deployed Node.js major, a child process), with the environment, IAM
// guard and kept logs of `npm start`. The event is the gateway's own (see invoke-event.ts).

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { Command, Option } from 'commander';
import { LOCAL_URL } from '#client/index.ts';
import { BUNDLE_CACHE_DIR } from '#local/cache-root.ts';
import { stageSettings } from '#local/cli-options.ts';
import type { InvokeOutcome, LogSink } from '#local/contracts.ts';
import { ENGINE_CHOICES, type EngineChoice } from '#local/dynamodb/engines/engine.ts';
import { startGuardedDynamoDb } from '#local/dynamodb/guard/guarded-dynamodb.ts';
import { policiesOf } from '#local/dynamodb/guard/iam/load-policies.ts';
import { validateProxyResult } from '#local/gateway/validate-proxy-result.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { dataFolder } from '#local/private-data-folder.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import type { LocalStack } from '#local/stack/local-stack.ts';
import { LOGS_FOLDER } from '#local/start-local-system.ts';
import { listOf, parseCommandLine } from '#local/tools/command-line.ts';
import { type RuntimeInfo, readRuntimeFile } from '#local/tools/runtime-file.ts';
import { LOG_LEVELS, type LogLevel } from '#src/declaration/function-environment.ts';
import { type LoadedService, loadServices, withAccessSettings } from '#src/declaration/load-services.ts';
import { buildInvokeEvent } from './invoke-event.ts';

/** `npm run invoke`'s command line. */
export function invokeCommand(): Command {
  return new Command('npm run invoke --')
    .usage('<function> [options]')
    .description(
      "Runs one function once in a fresh instance, with npm start's environment, IAM guard and logs. Prints its result on stdout, its log lines (REPORT included) on stderr.",
    )
    .argument('<function>', 'the function, e.g. products-get')
    .option('--event <file>', 'the event, a JSON file, or - to read it from stdin (instead of building one)')
    .option('--method <method>', "the request's method (default: the function's route's)")
    .option(
      '--path <path>',
      "the request's path and query, e.g. /products/p1 (default: the route's, if it has no {parameter})",
    )
    .option(
      '--body <text>',
      'the request\'s body, e.g. \'{"name":"Pen","price":2}\' (sent as application/json)',
    )
    .option('--header <line>', 'a request header, "Name: value", repeatable', collect)
    .option(
      '--user <name>',
      "sign the request as this user of the local user pool (a token's claims, as the authorizer gives them)",
    )
    .option('--group <name>', 'a group of that user (cognito:groups), repeatable', collect)
    .option(
      '--data-dir <dir>',
      'the data folder (env DATA_DIR, default .data): its running system, or its tables and logs',
    )
    .addOption(
      new Option(
        '--engine <name>',
        'the engine to start when no system runs on the data folder (env DYNAMODB_ENGINE, default auto)',
      ).choices(ENGINE_CHOICES),
    )
    .option('--endpoint <url>', 'DynamoDB endpoint of the external engine (env DYNAMODB_ENDPOINT)')
    .option('--log-level <level>', `${LOG_LEVELS.join(' | ')} (env LOG_LEVEL, default INFO)`)
    .helpOption('--help', 'this text')
    .addHelpText(
      'after',
      `
When npm start runs on the data folder, the function reaches DynamoDB through that system's IAM
guard (its faults included); otherwise the engine npm start would start is started on the folder
for this one call. Exit code: 0 when the function answered below 500 (a 4xx is an answer), 1 when
it failed (a 5xx, an error, a timeout, a crash, a result API Gateway would refuse), 2 for a usage
error.

Examples:
  npm run invoke -- products-list --user alice --group admin
  npm run invoke -- products-create --user alice --group admin --body '{"name":"Pen","price":2}'
  echo '{"httpMethod":"GET","path":"/products"}' | npm run invoke -- products-list --event - --user alice`,
    );
}

/** A repeatable option's values, in order. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `npm run invoke`'s help text. */
export const INVOKE_USAGE = (() => {
  const parsed = parseCommandLine(invokeCommand(), ['--help']);
  return parsed.kind === 'help' ? parsed.text : '';
})();

export interface InvokeIo {
  /** The result (stdout). */
  readonly out: (text: string) => void;
  /** Log lines and notes (stderr). */
  readonly err: (line: string) => void;
  /** What `--event -` reads. */
  readonly stdin: () => Promise<string>;
  readonly env: NodeJS.ProcessEnv;
}

interface InvokeValues {
  event?: string;
  method?: string;
  path?: string;
  body?: string;
  header?: string[];
  user?: string;
  group?: string[];
  dataDir?: string;
  engine?: string;
  endpoint?: string;
  logLevel?: string;
}

/** Runs the command; resolves with the exit code. Usage errors reject with one line. */
export async function runInvokeCommand(argv: readonly string[], io: InvokeIo): Promise<number> {
  const parsed = parseCommandLine(invokeCommand(), argv);
  if (parsed.kind === 'help') {
    io.out(`${parsed.text}\n`);
    return 0;
  }
  const values = parsed.options as InvokeValues;
  const functionName = parsed.args[0] ?? '';
  const { env } = io;
  const logLevel = (values.logLevel ?? env.LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    throw new Error(`--log-level must be one of ${listOf(LOG_LEVELS)}, not "${values.logLevel}"`);
  const api = stageSettings(env);
  const services = withAccessSettings(await loadServices(), api);
  const declared = services.flatMap(({ service }) => service.functions);
  const fn = declared.find((candidate) => candidate.name === functionName);
  if (!fn)
    throw new Error(
      `No function "${functionName}"; there are ${listOf(declared.map((candidate) => candidate.name).sort())}`,
    );
  if (
    values.event !== undefined &&
    (values.method || values.path || values.body !== undefined || values.header)
  )
    throw new Error('--event gives the whole event: it takes no --method, --path, --body or --header');
  const dataDir = dataFolder(values.dataDir, env);
  const running = readRuntimeFile(dataDir);
  const parts = await import('#local/system-parts.ts');
  // The claims the stage's authorizer would hand on: verified from a real token of the pool.
  let signed: { token: string; claims: Readonly<Record<string, string>> } | undefined;
  if (values.user) {
    const pool = await parts.openLocalUserPool(dataDir);
    const token = await pool.mint({ user: values.user, groups: values.group ?? [] });
    const verified = await parts.localAuthorizer(pool)(token);
    if (!verified.ok) throw new Error(`The local user pool refused its own token: ${verified.reason}`);
    signed = { token, claims: verified.claims };
  } else if (values.group) throw new Error('--group needs --user');
  // What npm start serves: the routes and functions of the stack synthesized from the declarations.
  const external = running
    ? running.engine === 'external'
    : Boolean(values.endpoint ?? env.DYNAMODB_ENDPOINT);
  const region = external ? (env.AWS_REGION ?? LOCAL_REGION) : LOCAL_REGION;
  const { stack } = await loadStack(services, stackInputFor(api, logLevel as LogLevel, region));
  const { routes } = stack;
  const port = running?.port ?? Number(new URL(LOCAL_URL).port);
  const event: APIGatewayProxyEvent =
    values.event !== undefined
      ? withClaims(await readEvent(values.event, io), signed)
      : buildInvokeEvent(routes, {
          functionName,
          method: (values.method ?? fn.method).toUpperCase(),
          path: values.path ?? fn.path,
          ...(values.body !== undefined ? { body: values.body } : {}),
          ...(values.header ? { headers: values.header } : {}),
          ...(signed ? { token: signed.token, claims: signed.claims } : {}),
          stage: api.stageName,
          port,
        });
  const route = routes.find((candidate) => candidate.functionName === functionName);
  if (route?.authorizationType === 'COGNITO_USER_POOLS' && !signed && !event.requestContext?.authorizer)
    io.err(
      `note: ${route.method} ${route.resource} needs a token: through the gateway this request would get 401 (sign it with --user)`,
    );

  return withFunctionRuntime(
    { services, stack, functionName, dataDir, running, values, env, io },
    async (invoke) => {
      const outcome = await invoke(event);
      return report(outcome, io);
    },
  );
}

/** Prints the outcome; returns the exit code. */
function report(outcome: InvokeOutcome, io: InvokeIo): number {
  switch (outcome.kind) {
    case 'result': {
      io.out(`${JSON.stringify(outcome.value, null, 2)}\n`);
      const check = validateProxyResult(outcome.value);
      if (!check.ok) {
        io.err(
          `The gateway would answer 502 to this result: malformed Lambda proxy response: ${check.reason}`,
        );
        return 1;
      }
      // A handler answers its own faults with a 500 (the cause is in its log): that is an error too.
      return check.result.statusCode >= 500 ? 1 : 0;
    }
    case 'error':
      // Lambda's own answer to a failed invocation.
      io.out(
        `${JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage }, null, 2)}\n`,
      );
      return 1;
    case 'payload-too-large':
      io.err(`The ${outcome.direction} is over Lambda's 6 MB invoke payload limit`);
      return 1;
  }
}

async function readEvent(source: string, io: InvokeIo): Promise<APIGatewayProxyEvent> {
  const text = source === '-' ? await io.stdin() : await readFile(path.resolve(source), 'utf8');
  try {
    const event = JSON.parse(text) as unknown;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new Error('not an object');
    return event as APIGatewayProxyEvent;
  } catch (error) {
    throw new Error(`--event ${source} is not a JSON object: ${(error as Error).message}`);
  }
}

/** A given event, with the claims of `--user` put where the authorizer puts them. */
function withClaims(
  event: APIGatewayProxyEvent,
  signed: { token: string; claims: Readonly<Record<string, string>> } | undefined,
): APIGatewayProxyEvent {
  if (!signed) return event;
  return {
    ...event,
    headers: { ...(event.headers ?? {}), Authorization: signed.token },
    requestContext: {
      ...(event.requestContext ?? {}),
      authorizer: { claims: { ...signed.claims } },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

interface RuntimeContext {
  readonly services: readonly LoadedService[];
  readonly stack: LocalStack;
  readonly functionName: string;
  readonly dataDir: string;
  readonly running: RuntimeInfo | null;
  readonly values: InvokeValues;
  readonly env: NodeJS.ProcessEnv;
  readonly io: InvokeIo;
}

/**
 * Sets up what one function needs, as `npm start` does (its bundle, DynamoDB behind the IAM
 * guard, its environment, its kept logs), runs `use`, and takes it all down again.
 */
async function withFunctionRuntime(
  context: RuntimeContext,
  use: (invoke: (event: APIGatewayProxyEvent) => Promise<InvokeOutcome>) => Promise<number>,
): Promise<number> {
  const { services, stack, functionName, dataDir, running, values, env, io } = context;
  const parts = await import('#local/system-parts.ts');
  const { BundleCache, IncrementalBundles, functionSpecs, startLambdaService, awsCredentialsFrom } = parts;
  const { openLogStore } = await import('#local/logs/log-store.ts');
  const { scratchDir } = await import('#local/build/scratch-dir.ts');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // DynamoDB: the running system's guard when there is one (the folder is its), else our own.
    let endpoint: string;
    let hostCredentials: Record<string, string> | undefined;
    if (running) {
      endpoint = running.functionEndpoint;
      hostCredentials = running.engine === 'external' ? awsCredentialsFrom(env) : undefined;
      io.err(
        `Using the system running on ${dataDir} (pid ${running.pid}, ${running.url}): its DynamoDB and IAM guard`,
      );
    } else {
      const externalEndpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
      const engine = (values.engine ??
        env.DYNAMODB_ENGINE ??
        (externalEndpoint ? 'external' : 'auto')) as EngineChoice;
      if (!ENGINE_CHOICES.includes(engine))
        throw new Error(`DYNAMODB_ENGINE must be one of ${listOf(ENGINE_CHOICES)}, not "${engine}"`);
      const region = (engine === 'external' ? env.AWS_REGION : undefined) ?? LOCAL_REGION;
      const guarded = await startGuardedDynamoDb({
        engine,
        dataDir,
        inMemory: false,
        ...(externalEndpoint ? { endpoint: externalEndpoint } : {}),
        services,
        loadPolicies: async () => policiesOf({ stack, synthesized: false }),
        region,
        notice: (line) => io.err(line),
      });
      cleanups.push(() => guarded.stop());
      hostCredentials = guarded.engine.engine === 'external' ? awsCredentialsFrom(env) : undefined;
      const admin = new parts.DynamoDBClient({
        region,
        endpoint: guarded.engine.endpoint,
        ...(hostCredentials ? {} : { credentials: { accessKeyId: 'LOCALADMIN', secretAccessKey: 'local' } }),
      });
      cleanups.push(async () => admin.destroy());
      await parts.ensureStackTables(admin, stack.tables);
      endpoint = guarded.functionEndpoint;
      io.err(`Started ${guarded.engine.detail} on ${dataDir} for this call`);
    }
    // The bundles npm start serves: kept ones when nothing changed, else this function's alone, built now.
    const buildDir = await scratchDir('sm-bundles-');
    cleanups.push(() => buildDir.remove());
    const bundles = new IncrementalBundles(buildDir.dir, { cache: new BundleCache(BUNDLE_CACHE_DIR) });
    cleanups.push(() => bundles.dispose());
    const kept = await bundles.build(services, undefined, { defer: true });
    const built = kept.unbuilt.includes(functionName)
      ? await bundles.build(services, new Set(), { only: new Set([functionName]) })
      : kept;
    const spec = functionSpecs(stack.functions, built.bundles, { endpoint, hostCredentials }).find(
      (candidate) => candidate.name === functionName,
    );
    if (!spec) throw new Error(`No bundle was built for ${functionName}`);
    // Every line on stderr as Lambda writes it (the REPORT line last), and kept like npm start's.
    const logStore = running?.inMemory
      ? null
      : openLogStore({ dir: path.join(dataDir, LOGS_FOLDER), logFormatOf: () => spec.logFormat ?? 'JSON' });
    if (logStore) cleanups.push(() => logStore.close());
    const terminal: LogSink = { write: (_fn, line) => io.err(line) };
    const logSink: LogSink = {
      write(fn, line, stream) {
        terminal.write(fn, line, stream);
        logStore?.write(fn, line, stream);
      },
      end(fn, stream) {
        logStore?.end(fn, stream);
      },
    };
    const region = running?.engine === 'external' ? (env.AWS_REGION ?? LOCAL_REGION) : LOCAL_REGION;
    const lambda = startLambdaService({ functions: [spec], region, logSink, maxInstancesPerFunction: 1 });
    cleanups.push(() => lambda.close());
    return await use((event) => lambda.invoke(functionName, event));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}
