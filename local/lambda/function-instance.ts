import type { ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { InvocationObserver, InvokeOutcome, LogSink } from '#local/contracts.ts';
import { type FunctionSpec, SPEC_DEFAULTS } from './function-spec.ts';
import type { InspectorPorts } from './inspector-ports.ts';
import type { ErrorShape, InstanceMessage, InvokeMessage } from './instance-messages.ts';
import { InstanceLifecycle, type InstanceState } from './instance-state.ts';
import { createInstanceTmp, removeInstanceTmp } from './instance-tmp.ts';
import {
  crashEnding,
  type Reply,
  type RuntimeExit,
  replyOutcome,
  runtimeExit,
  SHUTDOWN_OUTCOME,
  timedOutEnding,
} from './invocation-outcomes.ts';
import { newLogStreamName, traceHeader } from './lambda-environment.ts';
import { endLine, initReportLine, type ReportFields, reportLine, startLine } from './lambda-log-lines.ts';
import {
  beginInstance,
  bootstrapFileIn,
  type InstanceRuntime,
  instanceLaunch,
  instanceRuntime,
  spawnInstance,
} from './spawn-instance.ts';
import { splitLines } from './split-lines.ts';
import type { StandbyProcesses } from './standby-processes.ts';

/** Lambda gives a function's module init at most 10 s. */
const INIT_TIMEOUT_MS = 10_000;
const INIT_TIMEOUT_TYPE = 'Runtime.InitTimeout';
const MB = 1024 * 1024;

export type { InstanceState } from './instance-state.ts';

interface Invocation {
  readonly requestId: string;
  readonly started: number;
  readonly initDurationMs: number | undefined;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (outcome: InvokeOutcome) => void;
  readonly observer: InvocationObserver | undefined;
  timedOutAfterMs?: number;
}

export interface InstanceOptions {
  readonly spec: FunctionSpec;
  readonly region: string;
  readonly logSink: LogSink;
  /** The Node.js binary instances run on (default: the deployed major's). */
  readonly runtime?: InstanceRuntime;
  /** Source of instance-bootstrap.ts, compiled (see compile-bootstrap.ts). */
  readonly bootstrap: string;
  /** Where the instance's temp folder is made (the Lambda service's scratch folder). */
  readonly tmpRoot: string;
  /** With `--inspect`: where the instance's inspector port comes from (and goes back to). */
  readonly inspector?: InspectorPorts;
  /** Processes started ahead of need, one of which may become this instance. */
  readonly standbys?: StandbyProcesses;
}

/**
 * One execution environment of a function: a process of the deployed major's Node.js with its
 * own module state, environment, working directory and heap limit. It imports the bundle as soon
 * as it starts and then runs one invocation at a time. It is discarded after a timeout or a crash (`state` becomes `gone`).
 * Its states and the moves between them are the table in instance-state.ts.
 */
export class FunctionInstance {
  readonly #spec: FunctionSpec;
  readonly #sink: LogSink;
  readonly #process: ChildProcess;
  readonly #ready: Promise<ErrorShape | undefined>;
  #resolveReady: (failure: ErrorShape | undefined) => void = () => {};
  /** Busy from creation: an instance is only started for an invocation waiting for it. */
  readonly #lifecycle: InstanceLifecycle;
  #initStarted = 0;
  /** Init has ended: the bundle was imported, or failed to be, or ran out of time. */
  #initEnded = false;
  #initDurationMs: number | undefined;
  #initFailure: ErrorShape | undefined;
  #maxMemoryUsedMb = 0;
  #current: Invocation | undefined;
  #crash: ErrorShape | undefined;
  #outOfMemory = false;
  /** Not a state: the host's request to stop, which can come in any state, stopping included. */
  #shuttingDown = false;
  /** This instance's log stream, as Lambda gives each execution environment one. */
  readonly #logStream = newLogStreamName();
  /** This instance's own temp folder (`TMPDIR`), its `/tmp`. */
  readonly #tmpDir: string;
  /** Settles once the process has exited and all of its output has reached the log sink. */
  readonly gone: Promise<void>;

  constructor({
    spec,
    region,
    logSink,
    runtime = instanceRuntime(),
    bootstrap,
    tmpRoot,
    inspector,
    standbys,
  }: InstanceOptions) {
    this.#tmpDir = createInstanceTmp(tmpRoot);
    const bootstrapFile = bootstrapFileIn(tmpRoot, bootstrap);
    this.#spec = spec;
    this.#sink = logSink;
    this.#lifecycle = new InstanceLifecycle(`An instance of ${spec.name}`);
    this.#ready = new Promise((resolve) => {
      this.#resolveReady = resolve;
    });
    const started = performance.now();
    this.#initStarted = started;
    const inspectPort = inspector?.acquire();
    const launch = instanceLaunch(
      spec,
      region,
      runtime,
      bootstrapFile,
      this.#logStream,
      this.#tmpDir,
      inspectPort,
    );
    // A standby (see standby-processes.ts) has started Node already; none with an inspector to open.
    const pool = inspectPort === undefined ? standbys : undefined;
    const standby = pool?.take(launch);
    if (standby) beginInstance(standby, launch);
    const child = standby ?? spawnInstance(launch);
    this.#process = child;
    const initTimer = setTimeout(() => {
      this.#initDurationMs = performance.now() - started;
      this.#initEnded = true;
      this.#initFailure = { errorType: INIT_TIMEOUT_TYPE, errorMessage: 'Init phase timed out' };
      this.#stop();
    }, INIT_TIMEOUT_MS);
    // The next cold start's standby boots once this instance has answered its first invocation
    // (or failed its init, or ended), not beside its init and first invocation.
    let prepared = false;
    const prepareNext = () => {
      if (prepared) return;
      prepared = true;
      pool?.prepare(launch);
    };
    child.on('message', (message: InstanceMessage) => {
      if (message.type === 'ready' || message.type === 'init-error') {
        clearTimeout(initTimer);
        this.#initDurationMs = performance.now() - started;
        this.#initEnded = true;
      }
      this.#onMessage(message);
      if (message.type === 'result' || message.type === 'error' || message.type === 'init-error')
        prepareNext();
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.once('exit', (exitCode, signal) => {
        prepareNext();
        // No new invocation may be sent to it while its last output is still being read.
        this.#toGone();
        resolve([exitCode, signal]);
      });
      // The binary could not be started at all (it is gone, or not executable): no 'exit' follows.
      child.on('error', (error) => {
        this.#crash ??= { errorType: 'Runtime.ExitError', errorMessage: error.message };
        if (child.pid === undefined) {
          // Our fault, not the function's: the cause goes to its log.
          this.#log([`The local Lambda service could not start ${runtime.execPath}: ${error.message}`]);
          this.#toGone();
          resolve([127, null]);
        }
      });
    });
    // Its last messages (the lines and the report of a crash) are read before the channel closes.
    const disconnected = new Promise<void>((resolve) => {
      if (!child.connected) return resolve();
      child.once('disconnect', () => resolve());
      child.on('error', () => child.pid === undefined && resolve());
    });
    const drained = Promise.all([
      child.stdout ? splitLines(child.stdout, (line) => this.#onLine(line)) : undefined,
      child.stderr ? splitLines(child.stderr, (line) => this.#onLine(line)) : undefined,
    ]);
    this.gone = Promise.all([exited, disconnected, drained]).then(async ([[exitCode, signal]]) => {
      clearTimeout(initTimer);
      if (inspectPort !== undefined) inspector?.release(inspectPort);
      this.#afterExit(exitCode, signal);
      // Its last lines are written: the stream ends with the instance, as its file may close.
      this.#sink.end?.(this.#spec.name, this.#logStream);
      await removeInstanceTmp(this.#tmpDir);
    });
  }

  get state(): InstanceState {
    return this.#lifecycle.poolView;
  }

  /**
   * Runs one invocation; the caller sends it only to a new or an idle instance. `traceRoot` is the
   * `Root=…` of the trace API Gateway started, which `_X_AMZN_TRACE_ID` continues; `observer` is
   * told the figures of the invocation's REPORT line.
   */
  async invoke(
    requestId: string,
    eventJson: string,
    traceRoot?: string,
    observer?: InvocationObserver,
  ): Promise<InvokeOutcome> {
    // The first invocation waits in `initializing`; a later one moves an idle instance on (and a
    // stopped one refuses it).
    if (this.#lifecycle.state !== 'initializing') this.#lifecycle.to('invoking');
    const initFailure = (await this.#ready) ?? this.#initFailure;
    if (this.#shuttingDown) return SHUTDOWN_OUTCOME;
    // A `ready` that crossed the init timeout's kill still finds the instance stopping: init failed.
    if (initFailure) return this.#failInit(requestId, initFailure, observer);
    if (this.#lifecycle.state === 'initializing') this.#lifecycle.to('invoking');
    return new Promise((resolve) => {
      const timeoutMs = this.#spec.timeoutSeconds * 1000;
      const initDurationMs = this.#initDurationMs;
      this.#initDurationMs = undefined;
      const invocation: Invocation = {
        requestId,
        started: performance.now(),
        initDurationMs,
        resolve,
        observer,
        timer: setTimeout(() => this.#timeOut(invocation), timeoutMs),
      };
      this.#current = invocation;
      this.#sink.write(this.#spec.name, startLine(requestId), this.#logStream);
      const message: InvokeMessage = {
        type: 'invoke',
        requestId,
        eventJson,
        deadline: Date.now() + timeoutMs,
        traceId: traceHeader(traceRoot),
      };
      this.#process.send(message);
    });
  }

  /** Stops the process; an invocation still running gets SHUTDOWN_OUTCOME and no more log lines. */
  terminate(): Promise<void> {
    this.#shuttingDown = true;
    this.#stop();
    return this.gone;
  }

  /**
   * Ends the process at once, as Lambda ends an execution environment: nothing in it runs on. It
   * may already be stopping or gone (a shutdown after a timeout): then there is nothing to move.
   */
  #stop(): void {
    if (this.#lifecycle.can('stopping')) this.#lifecycle.to('stopping');
    if (this.#process.exitCode === null && this.#process.signalCode === null) this.#process.kill('SIGKILL');
  }

  /** The process has exited (or never started); exit and spawn errors may both report it. */
  #toGone(): void {
    if (this.#lifecycle.state !== 'gone') this.#lifecycle.to('gone');
  }

  #onMessage(message: InstanceMessage): void {
    if (message.type === 'log') {
      this.#log(message.lines);
    } else if (message.type === 'ready') {
      this.#maxMemoryUsedMb = message.maxMemoryUsedMb;
      this.#resolveReady(undefined);
    } else if (message.type === 'init-error') {
      this.#initFailure = { errorType: message.errorType, errorMessage: message.errorMessage };
      this.#resolveReady(this.#initFailure);
    } else if (message.type === 'crash') {
      this.#crash = { errorType: message.errorType, errorMessage: message.errorMessage };
    } else if (message.type === 'out-of-memory') {
      this.#outOfMemory = true;
    } else if (this.#current?.requestId === message.requestId) {
      this.#maxMemoryUsedMb = message.maxMemoryUsedMb;
      this.#finish(this.#current, message);
    }
  }

  /** Output that bypassed the bootstrap's writer (it should not happen) is still logged. */
  #onLine(line: string): void {
    this.#sink.write(this.#spec.name, line, this.#logStream);
  }

  /** The reply arrived after every line the invocation printed: END and REPORT close it. */
  #finish(current: Invocation, reply: Reply): void {
    if (current.timedOutAfterMs !== undefined) return;
    clearTimeout(current.timer);
    this.#current = undefined;
    const { requestId, durationMs, initDurationMs } = { ...reply, initDurationMs: current.initDurationMs };
    this.#log([endLine(requestId), reportLine(this.#reportFields(requestId, durationMs, initDurationMs))]);
    current.observer?.reported(durationMs, initDurationMs);
    const overflow = this.#tmpOverflow(requestId, reply.tmpBytes);
    if (overflow) {
      // Answered once the instance and its folder are gone.
      this.#stop();
      void this.gone.then(() => current.resolve(overflow));
      return;
    }
    // A reply can cross a shutdown's kill: the answer still counts, the instance stays stopping.
    if (this.#lifecycle.state === 'invoking') this.#lifecycle.to('idle');
    current.resolve(replyOutcome(reply));
  }

  /**
   * After each invocation: a temp folder holding more than the ephemeral storage ends the instance.
   * On Lambda the write that went past it would have failed (ENOSPC); here it succeeded, so the
   * invocation fails after the fact, with that error, and the next one gets a new instance.
   */
  #tmpOverflow(requestId: string, bytes: number): InvokeOutcome | undefined {
    const limitMb = this.#spec.ephemeralStorageMb ?? SPEC_DEFAULTS.ephemeralStorageMb;
    if (bytes <= limitMb * MB) return undefined;
    const errorMessage = `ENOSPC: no space left on device: the instance's temp folder (TMPDIR, its /tmp) holds ${Math.ceil(bytes / MB)} MB, over the function's ${limitMb} MB of ephemeral storage`;
    this.#log([`RequestId: ${requestId} Error: ${errorMessage}`]);
    return { kind: 'error', errorType: 'Error', errorMessage };
  }

  #timeOut(invocation: Invocation): void {
    if (this.#current !== invocation) return;
    // A timer can fire a fraction of a millisecond early; Lambda never reports less than the timeout.
    invocation.timedOutAfterMs = Math.max(
      performance.now() - invocation.started,
      this.#spec.timeoutSeconds * 1000,
    );
    this.#stop();
  }

  /** The init failed: INIT_REPORT, then the invocation that waited for it fails with its error. */
  async #failInit(
    requestId: string,
    failure: ErrorShape,
    observer: InvocationObserver | undefined,
  ): Promise<InvokeOutcome> {
    this.#stop();
    await this.gone;
    if (this.#shuttingDown) return SHUTDOWN_OUTCOME;
    const initDurationMs = this.#initDurationMs ?? 0;
    const { errorType } = failure;
    const status = errorType === INIT_TIMEOUT_TYPE ? 'timeout' : 'error';
    this.#log([
      initReportLine({ durationMs: initDurationMs, status, errorType }),
      startLine(requestId),
      endLine(requestId),
      reportLine({ ...this.#reportFields(requestId, 0, initDurationMs), status, errorType }),
    ]);
    observer?.reported(0, initDurationMs);
    return { kind: 'error', ...failure };
  }

  #afterExit(exitCode: number | null, signal: NodeJS.Signals | null): void {
    this.#toGone();
    // V8 aborts the process when the heap reaches --max-old-space-size.
    if (signal === 'SIGABRT') this.#outOfMemory = true;
    // The runtime died during init (process.exit, out of memory): init lasted until then.
    if (!this.#initEnded) this.#initDurationMs = performance.now() - this.#initStarted;
    const exit = runtimeExit(exitCode ?? 128, this.#outOfMemory);
    const exitFailure = {
      errorType: exit.errorType,
      errorMessage: `Runtime exited with error: ${exit.reason}`,
    };
    this.#resolveReady(this.#initFailure ?? exitFailure);
    const current = this.#current;
    if (!current) return;
    clearTimeout(current.timer);
    this.#current = undefined;
    current.resolve(this.#shuttingDown ? SHUTDOWN_OUTCOME : this.#endDeadInvocation(current, exit));
  }

  #endDeadInvocation(current: Invocation, exit: RuntimeExit): InvokeOutcome {
    const { requestId, timedOutAfterMs, initDurationMs } = current;
    // An instance killed at its limit used all of it, and Lambda reports exactly that.
    if (this.#outOfMemory) this.#maxMemoryUsedMb = this.#spec.memoryMb;
    const durationMs = timedOutAfterMs ?? performance.now() - current.started;
    const ending =
      timedOutAfterMs === undefined
        ? crashEnding(this.#reportFields(requestId, durationMs, initDurationMs), exit, this.#crash)
        : timedOutEnding(this.#reportFields(requestId, durationMs, initDurationMs));
    this.#log(ending.lines);
    current.observer?.reported(durationMs, initDurationMs);
    return ending.outcome;
  }

  #reportFields(requestId: string, durationMs: number, initDurationMs: number | undefined): ReportFields {
    const { memoryMb } = this.#spec;
    return { requestId, durationMs, memoryMb, maxMemoryUsedMb: this.#maxMemoryUsedMb, initDurationMs };
  }

  #log(lines: readonly string[]): void {
    for (const line of lines) this.#sink.write(this.#spec.name, line, this.#logStream);
  }
}
