import path from 'node:path';
import { Worker } from 'node:worker_threads';
// Instances have the JSON.parse of Node.js 24, the deployed runtime.
import './node24-features.ts';
import { FUNCTION_VERSION, functionArn, instanceEnvironment, logGroupName } from './lambda-environment.ts';
import { type FunctionSpec, SPEC_DEFAULTS } from './start-lambda-service.ts';
import type { InstanceData } from './worker-messages.ts';

/**
 * V8 sizes an isolate's young generation for throughput, tens of MB that each busy instance
 * keeps resident. A small one costs more frequent (cheap) scavenges and saves most of that: with
 * a few instances per function it is what keeps `npm start` within a laptop's memory.
 */
const YOUNG_GENERATION_MB = 8;

/**
 * Starts the worker thread of one new instance, running the compiled bootstrap (which imports the
 * bundle straight away). The worker gets only the instance's own environment (its temp folder
 * `tmpDir` as TMPDIR), bare Node (`execArgv: []`: no tsx, no flags of the host), the declared
 * memory as its V8 old-space limit (and a small young generation), and piped stdout/stderr so
 * that the host can collect its log lines.
 */
export function spawnInstanceWorker(
  spec: FunctionSpec,
  region: string,
  bootstrap: string,
  logStreamName: string,
  tmpDir: string,
): Worker {
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
    taskRoot: path.dirname(spec.bundleFile),
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
  };
  return new Worker(bootstrap, {
    eval: true,
    workerData: data,
    env: instanceEnvironment(spec.environment, identity),
    execArgv: [],
    argv: [],
    stdout: true,
    stderr: true,
    resourceLimits: { maxOldGenerationSizeMb: spec.memoryMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
  });
}
