// The peer the issue measures us against: serverless-offline serving our deployed bundles in its
// in-process mode (every handler in serverless-offline's own process: no isolation), pinned, in a
// folder of its own, on loopback, against the DynamoDB endpoint of the `npm start` it is compared
// with (the same IAM guard and dynalite, so both reach the same tables the same way).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { apiGatewayClaims } from '#local/auth/authorizer.ts';
import { IncrementalBundles } from '#local/build/incremental-bundles.ts';
import { LOCAL_CACHE_ROOT } from '#local/cache-root.ts';
import type { RouteBinding } from '#local/contracts.ts';
import { functionSpecs } from '#local/function-specs.ts';
import { resolveDeployedNode } from '#local/lambda/deployed-runtime.ts';
import { SPEC_DEFAULTS } from '#local/lambda/function-spec.ts';
import { instanceEnvironment, newLogStreamName } from '#local/lambda/lambda-environment.ts';
import { LOCAL_REGION } from '#local/local-account.ts';
import { loadStack, stackInputFor } from '#local/stack/load-stack.ts';
import type { StackFunction } from '#local/stack/local-stack.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import type { LogLevel } from '#src/declaration/log-levels.ts';
import { processTree } from './cli-process.ts';

/**
 * Exact versions, so a figure always names what it measured. serverless 4 needs a login and
 * downloads its framework when it runs, so the last major that runs from the registry alone is 3;
 * serverless-offline 13 is the last major whose peer dependency is serverless 3 (`^3.2.0`).
 */
export const PEER_VERSIONS = { serverless: '3.40.0', 'serverless-offline': '13.10.1' } as const;

/** The functions the peer serves: the routes the table measures (get, create, list). */
export const PEER_FUNCTIONS = ['products-get', 'products-create', 'products-list'] as const;

/** Where the pinned install is kept between runs (git-ignored with node_modules). */
export const PEER_INSTALL_DIR = path.join(
  LOCAL_CACHE_ROOT,
  'bench-peer',
  Object.entries(PEER_VERSIONS)
    .map(([name, version]) => `${name}-${version}`)
    .join('_'),
);

const SERVERLESS_BIN = path.join(PEER_INSTALL_DIR, 'node_modules', 'serverless', 'bin', 'serverless.js');

/** Whether the pinned install is complete (its last step, the marker, was written). */
export async function peerInstalled(): Promise<boolean> {
  try {
    await access(path.join(PEER_INSTALL_DIR, '.installed'));
    await access(SERVERLESS_BIN);
    return true;
  } catch {
    return false;
  }
}

/** Installs the pinned peer into its own folder unless it is there (about 640 packages, a minute or two). */
export async function installPeer(): Promise<void> {
  if (await peerInstalled()) return;
  await mkdir(PEER_INSTALL_DIR, { recursive: true });
  await writeFile(
    path.join(PEER_INSTALL_DIR, 'package.json'),
    `${JSON.stringify({ private: true, dependencies: PEER_VERSIONS }, null, 2)}\n`,
  );
  console.log(`  installing ${describePeer()} into ${PEER_INSTALL_DIR}`);
  // Scripts stay off: nothing of the peer runs but what the bench starts.
  const npm = spawn('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: PEER_INSTALL_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const [code] = (await once(npm, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm install of ${describePeer()} failed (exit ${code})`);
  await writeFile(path.join(PEER_INSTALL_DIR, '.installed'), '');
}

export function describePeer(): string {
  return Object.entries(PEER_VERSIONS)
    .map(([name, version]) => `${name}@${version}`)
    .join(' + ');
}

/** One function as the peer's service file declares it. */
export interface PeerFunction {
  readonly name: string;
  /** The bundle's folder relative to the service folder, with the export: `<dir>/index.handler`. */
  readonly handler: string;
  readonly runtime: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly routes: readonly Pick<RouteBinding, 'method' | 'resource'>[];
}

/**
 * The service file (serverless.json: the framework reads JSON as it reads YAML, and JSON needs no
 * writer of its own): each function with its bundle, its environment, and its REST routes as
 * `http` events (API Gateway v1, the proxy event our handlers read). No authorizer is declared:
 * the claims come from `AUTHORIZER` (see {@link peerEnvironment}).
 */
export function peerServiceFile(functions: readonly PeerFunction[], region: string): Record<string, unknown> {
  return {
    service: 'sm-bench-peer',
    frameworkVersion: '3',
    // The framework's schema (3.x) stops at nodejs20.x; the runtime only picks the Node.js runner here.
    configValidationMode: 'off',
    provider: { name: 'aws', region, stage: 'local' },
    plugins: ['serverless-offline'],
    functions: Object.fromEntries(
      functions.map((fn) => [
        fn.name,
        {
          name: fn.name,
          handler: fn.handler,
          runtime: fn.runtime,
          memorySize: fn.memoryMb,
          timeout: fn.timeoutSeconds,
          environment: fn.environment,
          events: fn.routes.map((route) => ({
            http: { method: route.method.toLowerCase(), path: route.resource.replace(/^\//, '') },
          })),
        },
      ]),
    ),
  };
}

/**
 * The claims API Gateway's Cognito authorizer would pass for `token`, as serverless-offline's
 * `AUTHORIZER` variable wants them: it puts that object as `requestContext.authorizer` in every
 * event. This is the cheapest faithful way: no authorizer function runs, no wrapper module sits
 * around our bundle, and the claims are the very strings our gateway passes (`apiGatewayClaims`),
 * e.g. `cognito:groups` as `admin`. The peer checks no signature; ours verifies every new token.
 */
export function peerAuthorizer(token: string): string {
  const claims = apiGatewayClaims(decodeJwt(token));
  return JSON.stringify({ claims, principalId: claims.sub });
}

/**
 * The serverless process's environment: nothing of ours but PATH, so no developer credential or
 * setting reaches it; telemetry, notifications, auto-update and the China check (a time zone
 * read) off (serverless/lib/utils/telemetry/are-disabled.js, @serverless/utils
 * get-notifications-mode.js, lib/utils/eventually-update.js, is-in-china.js); dummy AWS
 * credentials and the local region (serverless-offline copies every `AWS_*` variable into each
 * function, whose own keys then win); HOME a scratch folder, for the framework's own config file.
 */
export function peerEnvironment(home: string, authorizer: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DISABLE_AUTO_UPDATE: '1',
    SLS_GEO_LOCATION: 'no-cn',
    SLS_DEPRECATION_DISABLE: '*',
    AWS_ACCESS_KEY_ID: 'bench-peer',
    AWS_SECRET_ACCESS_KEY: 'bench-peer',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AUTHORIZER: authorizer,
  };
}

/** A port nothing listens on now, on loopback (the kernel's pick). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface PeerProcess {
  readonly child: ChildProcess;
  /** The API's base URL (no stage prefix), e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  stop(): Promise<void>;
}

export interface PeerOptions {
  /** The DynamoDB endpoint of the `npm start` compared with: its tables, its IAM guard. */
  readonly endpoint: string;
  /** An ID token of an admin: its claims are what every event carries. */
  readonly token: string;
  /** The functions' log level, as the `npm start` compared with runs them. */
  readonly logLevel: LogLevel;
}

/**
 * Starts serverless-offline (pinned, installed) in-process on 127.0.0.1, serving our deployed-style
 * bundles of {@link PEER_FUNCTIONS} with the environment the synthesized stack gives them, on the
 * Node.js binary our instances run on. Its service folder is a scratch folder, removed on stop.
 */
export async function startPeer(options: PeerOptions): Promise<PeerProcess> {
  if (!(await peerInstalled())) throw new Error(`${describePeer()} is not installed`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-bench-peer-'));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      // In-process it starts no process of its own, but whatever it might have started goes with it.
      const descendants = [...(await processTree(child.pid)).keys()].filter((pid) => pid !== child?.pid);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      for (const pid of descendants) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone with its parent.
        }
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const services = await loadServices();
    // As deployed: no source map (the local system's bundles carry one for its stack traces).
    const bundles = new IncrementalBundles(path.join(dir, 'bundles'), { sourceMaps: false });
    const built = await bundles.build(services);
    await bundles.dispose();
    const { stack } = await loadStack(
      services,
      stackInputFor(DEFAULT_API_SETTINGS, options.logLevel, LOCAL_REGION),
    );
    const specs = functionSpecs(stack.functions, built.bundles, {
      endpoint: options.endpoint,
      hostCredentials: undefined,
    });
    const functions = PEER_FUNCTIONS.map((name): PeerFunction => {
      const spec = specs.find((s) => s.name === name);
      const fn = stack.functions.find((f: StackFunction) => f.name === name);
      if (!spec || !fn) throw new Error(`the stack has no function ${name}`);
      const lambda = instanceEnvironment(spec.environment, {
        functionName: spec.name,
        bundleFile: spec.bundleFile,
        memoryMb: spec.memoryMb,
        region: LOCAL_REGION,
        logStreamName: newLogStreamName(),
        logFormat: spec.logFormat ?? SPEC_DEFAULTS.logFormat,
        logLevel: spec.logLevel ?? SPEC_DEFAULTS.logLevel,
        tmpDir: os.tmpdir(),
      });
      return {
        name,
        handler: `${path.relative(dir, path.dirname(spec.bundleFile))}/index.handler`,
        runtime: fn.runtime,
        memoryMb: spec.memoryMb,
        timeoutSeconds: spec.timeoutSeconds,
        // The function's own variables and what Lambda sets (`AWS_*`: log format and level, region,
        // name). Not PATH, TMPDIR or the runtime's folders: in-process, each invocation writes its
        // function's variables into serverless-offline's own process.env.
        environment: {
          ...spec.environment,
          ...Object.fromEntries(Object.entries(lambda).filter(([key]) => key.startsWith('AWS_'))),
        },
        routes: stack.routes.filter((route) => route.functionName === name),
      };
    });
    await writeFile(
      path.join(dir, 'serverless.json'),
      JSON.stringify(peerServiceFile(functions, LOCAL_REGION), null, 2),
    );
    // The framework finds its plugin in the service folder's node_modules.
    await symlink(path.join(PEER_INSTALL_DIR, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const [httpPort, lambdaPort] = [await freePort(), await freePort()];
    const home = path.join(dir, 'home');
    await mkdir(home);
    child = spawn(
      // The Node.js our instances run on, so handlers run on the same V8 in both.
      resolveDeployedNode().execPath,
      [
        SERVERLESS_BIN,
        'offline',
        // In-process: serverless-offline 13's fastest runner (its default is worker threads).
        '--useInProcess',
        '--host',
        '127.0.0.1',
        '--httpPort',
        String(httpPort),
        '--lambdaPort',
        String(lambdaPort),
        '--noPrependStageInUrl',
        '--noSponsor',
      ],
      {
        cwd: dir,
        env: peerEnvironment(home, peerAuthorizer(options.token), LOCAL_REGION),
        // In the bench's process group, so that a Ctrl-C stopping the bench stops it too.
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const started = child;
    let text = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        if (!text.includes('Server ready')) text += chunk.toString();
        if (text.includes('Server ready')) resolve();
      };
      // The functions' log lines (and the peer's own) are read, not kept, once it is ready.
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code) => reject(new Error(`serverless offline exited with ${code}: ${text}`)));
    });
    return { child: started, url: `http://127.0.0.1:${httpPort}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
