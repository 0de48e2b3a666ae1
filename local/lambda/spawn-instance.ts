import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DeployedNode, resolveDeployedNode } from './deployed-runtime.ts';
import { type FunctionSpec, SPEC_DEFAULTS } from './function-spec.ts';
import { inspectFlag } from './inspector-ports.ts';
import type { BeginMessage, InstanceData } from './instance-messages.ts';
import { JSON_SOURCE_TEXT_FLAG } from './json-source-text.ts';
import { FUNCTION_VERSION, functionArn, instanceEnvironment, logGroupName } from './lambda-environment.ts';

/** The Node.js binary instances run on, and the flags it needs to have the deployed major's rules. */
export interface InstanceRuntime {
  readonly execPath: string;
  /** Only when the binary is not the deployed major (emulation): e.g. the JSON.parse source text flag. */
  readonly flags: readonly string[];
}

/**
 * Every instance's flag: the local bundles carry their source map (see
 * local/build/incremental-bundles.ts), so stack traces name the `.ts` file and line.
 */
export const SOURCE_MAPS_FLAG = '--enable-source-maps';

/** Lambda's Node.js bootstrap starts Node.js with `gc` exposed: a function finds it deployed. */
export const EXPOSE_GC_FLAG = '--expose-gc';

/**
 * V8's heap bounds for a function of `memoryMb`, as Lambda's Node.js bootstrap sets them: a tenth
 * of the memory is the young generation (two semi-spaces), the rest the old generation, each in
 * whole megabytes rounded down. Without them V8 sizes the young generation for the machine
 * (semi-spaces of 32 MB on Node.js 24 here, where Lambda gives a 256 MB function 12 MB), which
 * makes every instance larger and collect less often than the deployed one.
 */
export function heapFlags(memoryMb: number): string[] {
  const youngMb = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(youngMb / 2)}`, `--max-old-space-size=${memoryMb - youngMb}`];
}

/** The flags that give an older Node.js (20) what the deployed major (24) has built in. */
export function emulationFlags(version: string): string[] {
  return Number(/^v?(\d+)/.exec(version)?.[1]) < 22 ? [JSON_SOURCE_TEXT_FLAG] : [];
}

/** How instances run on `node` (default: the deployed major's Node.js, see deployed-runtime.ts). */
export function instanceRuntime(node: DeployedNode = resolveDeployedNode()): InstanceRuntime {
  return { execPath: node.execPath, flags: emulationFlags(node.version) };
}

/**
 * The bootstrap as a file in `dir` (the Lambda service's scratch folder), written once: every
 * instance's process runs it. `.cjs`, so that no package.json around makes it an ES module.
 */
export function bootstrapFileIn(dir: string, source: string): string {
  const file = path.join(
    dir,
    `bootstrap-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.cjs`,
  );
  if (!existsSync(file)) writeFileSync(file, source);
  return file;
}

/** Everything that makes one instance's process: what runs, with which flags, data, environment and folder. */
export interface InstanceLaunch {
  readonly execPath: string;
  /** Node's flags, then the bootstrap file: a standby started with the same ones can become this instance. */
  readonly args: readonly string[];
  readonly data: InstanceData;
  readonly env: Readonly<Record<string, string>>;
  /** The bundle's folder: its task root, as `/var/task` on Lambda. */
  readonly cwd: string;
}

/**
 * What starts one new instance: `runtime`'s Node.js running the bootstrap (which imports the
 * bundle straight away), in the bundle's folder, with only the instance's own environment (its
 * temp folder `tmpDir` as TMPDIR), bare Node (no tsx, no flags of the host) and the declared
 * memory as its V8 heap bounds (`heapFlags`).
 */
export function instanceLaunch(
  spec: FunctionSpec,
  region: string,
  runtime: InstanceRuntime,
  bootstrapFile: string,
  logStreamName: string,
  tmpDir: string,
  /** With `npm start -- --inspect`: the port of this instance's inspector, on loopback. */
  inspectPort?: number,
): InstanceLaunch {
  const logFormat = spec.logFormat ?? SPEC_DEFAULTS.logFormat;
  const logLevel = spec.logLevel ?? SPEC_DEFAULTS.logLevel;
  const data: InstanceData = {
    bundleFile: spec.bundleFile,
    functionName: spec.name,
    functionVersion: FUNCTION_VERSION,
    invokedFunctionArn: functionArn(region, spec.name),
    memoryMb: spec.memoryMb,
    logGroupName: logGroupName(spec.name),
    logStreamName,
    minimumLogLevel: logFormat === 'JSON' ? logLevel : null,
  };
  const identity = {
    functionName: spec.name,
    bundleFile: spec.bundleFile,
    memoryMb: spec.memoryMb,
    region,
    logStreamName,
    logFormat,
    logLevel,
    tmpDir,
    nodeFolder: path.dirname(runtime.execPath),
  };
  return {
    execPath: runtime.execPath,
    args: [
      SOURCE_MAPS_FLAG,
      EXPOSE_GC_FLAG,
      ...(inspectPort === undefined ? [] : [inspectFlag(inspectPort)]),
      ...runtime.flags,
      ...heapFlags(spec.memoryMb),
      bootstrapFile,
    ],
    data,
    env: instanceEnvironment(spec.environment, identity),
    cwd: path.dirname(spec.bundleFile),
  };
}

/** How an instance's process is started: piped stdout/stderr (output that bypasses the bootstrap) and an IPC channel for the protocol. */
const INSTANCE_STDIO: ['ignore', 'pipe', 'pipe', 'ipc'] = ['ignore', 'pipe', 'pipe', 'ipc'];

/** Starts the process of one new instance as `launch` describes it. */
export function spawnInstance(launch: InstanceLaunch): ChildProcess {
  return spawn(launch.execPath, [...launch.args, JSON.stringify(launch.data)], {
    cwd: launch.cwd,
    env: launch.env,
    stdio: INSTANCE_STDIO,
  });
}

/**
 * Starts a standby: the process `args` describe, booted and waiting, with no instance's data, in
 * `cwd`, with `env` (what Node reads as it boots: see standby-processes.ts). `beginInstance`
 * makes it one instance.
 */
export function spawnStandby(
  execPath: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
): ChildProcess {
  return spawn(execPath, [...args], { cwd, env, stdio: INSTANCE_STDIO });
}

/** Makes a standby the instance `launch` describes: its environment, folder and data, before its bundle loads. */
export function beginInstance(standby: ChildProcess, launch: InstanceLaunch): void {
  const begin: BeginMessage = { type: 'begin', data: launch.data, env: launch.env, cwd: launch.cwd };
  standby.send(begin);
}
