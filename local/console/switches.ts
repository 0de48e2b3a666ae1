// The switches the console turns while the system runs: DynamoDB fault rules, the stage's
// throttling, the recording of request traces and the functions' log level. Each change is applied at once and announced.
import type { FaultRule } from '#local/dynamodb/guard/faults.ts';
import { LOG_LEVELS, type LogLevel } from '#src/declaration/function-environment.ts';
import { badRequest, notFound } from './console-http.ts';

const FAULT_KINDS = [
  'throttle',
  'throttling',
  'error',
  'latency',
] as const satisfies readonly FaultRule['kind'][];

/** A fault rule as the console shows it. `target` is `function:<name>`, `table:<name>`, or absent for every call. */
export interface FaultSwitch {
  readonly id: string;
  readonly kind: FaultRule['kind'];
  readonly target?: string;
  readonly percent: number;
  readonly latencyMs?: number;
}

export interface Switches {
  readonly faults: readonly FaultSwitch[];
  readonly throttling: boolean;
  /** Whether new requests are traced. */
  readonly tracing: boolean;
  readonly logLevel: LogLevel;
}

/** How a change reaches the running parts. */
export interface SwitchTargets {
  setFaults(rules: readonly FaultRule[]): void;
  setThrottling(enabled: boolean): void;
  setTracing(enabled: boolean): void;
  setLogLevel(level: LogLevel): void;
  /** Told of every change, e.g. to announce it on the event stream. */
  changed(switches: Switches): void;
}

export class SwitchBoard {
  #faults: FaultSwitch[];
  #throttling: boolean;
  #tracing = true;
  #logLevel: LogLevel;
  #nextId = 1;
  readonly #targets: SwitchTargets;

  constructor(
    initial: { faults: readonly FaultRule[]; throttling: boolean; logLevel: LogLevel },
    targets: SwitchTargets,
  ) {
    this.#targets = targets;
    this.#faults = initial.faults.map((rule) => this.#fromRule(rule));
    this.#throttling = initial.throttling;
    this.#logLevel = initial.logLevel;
  }

  get(): Switches {
    return {
      faults: [...this.#faults],
      throttling: this.#throttling,
      tracing: this.#tracing,
      logLevel: this.#logLevel,
    };
  }

  /** Applies the fields given; a wrong one refuses the whole change (400), nothing changed. */
  update(input: Record<string, unknown>): Switches {
    const { throttling, tracing, logLevel, faults } = input;
    if (throttling !== undefined && typeof throttling !== 'boolean')
      throw badRequest('throttling must be true or false.');
    if (tracing !== undefined && typeof tracing !== 'boolean')
      throw badRequest('tracing must be true or false.');
    if (logLevel !== undefined && !(LOG_LEVELS as readonly unknown[]).includes(logLevel))
      throw badRequest(`logLevel must be one of ${LOG_LEVELS.join(', ')}.`);
    if (faults !== undefined && !Array.isArray(faults)) throw badRequest('faults must be a list.');
    const nextFaults = faults === undefined ? undefined : faults.map((f: unknown) => this.#parseFault(f));
    if (nextFaults) {
      this.#faults = nextFaults;
      this.#targets.setFaults(this.#faults.map(toRule));
    }
    if (typeof throttling === 'boolean' && throttling !== this.#throttling) {
      this.#throttling = throttling;
      this.#targets.setThrottling(throttling);
    }
    if (typeof tracing === 'boolean' && tracing !== this.#tracing) {
      this.#tracing = tracing;
      this.#targets.setTracing(tracing);
    }
    if (logLevel !== undefined && logLevel !== this.#logLevel) {
      this.#logLevel = logLevel as LogLevel;
      this.#targets.setLogLevel(this.#logLevel);
    }
    return this.#announce();
  }

  addFault(input: Record<string, unknown>): FaultSwitch {
    const fault = this.#parseFault(input);
    this.#faults.push(fault);
    this.#targets.setFaults(this.#faults.map(toRule));
    this.#announce();
    return fault;
  }

  removeFault(id: string): void {
    const index = this.#faults.findIndex((f) => f.id === id);
    if (index === -1) throw notFound(`No fault rule ${id}.`);
    this.#faults.splice(index, 1);
    this.#targets.setFaults(this.#faults.map(toRule));
    this.#announce();
  }

  #announce(): Switches {
    const switches = this.get();
    this.#targets.changed(switches);
    return switches;
  }

  #fromRule(rule: FaultRule): FaultSwitch {
    const target =
      rule.scope === null
        ? undefined
        : rule.scope.startsWith('table:')
          ? rule.scope
          : `function:${rule.scope}`;
    return {
      id: String(this.#nextId++),
      kind: rule.kind,
      ...(target ? { target } : {}),
      percent: rule.rate * 100,
      ...(rule.kind === 'latency' ? { latencyMs: rule.latencyMs } : {}),
    };
  }

  #parseFault(input: unknown): FaultSwitch {
    if (typeof input !== 'object' || input === null) throw badRequest('A fault is an object.');
    const { kind, target, percent, latencyMs } = input as Record<string, unknown>;
    if (!(FAULT_KINDS as readonly unknown[]).includes(kind))
      throw badRequest(`A fault's kind is one of ${FAULT_KINDS.join(', ')}.`);
    if (
      target !== undefined &&
      (typeof target !== 'string' || !/^(?:function|table):[A-Za-z0-9_.-]+$/.test(target))
    )
      throw badRequest('A fault\'s target is "function:<name>" or "table:<name>" (absent: every call).');
    const rate = percent ?? 100;
    if (typeof rate !== 'number' || !(rate >= 0 && rate <= 100))
      throw badRequest('percent is a number from 0 to 100.');
    if (kind === 'latency' && (typeof latencyMs !== 'number' || !(latencyMs > 0 && latencyMs <= 60_000)))
      throw badRequest('A latency fault needs latencyMs, from 1 to 60000.');
    return this.#fromRule({
      kind: kind as FaultRule['kind'],
      rate: rate / 100,
      latencyMs: kind === 'latency' ? (latencyMs as number) : 0,
      scope: target === undefined ? null : (target as string).replace(/^function:/, ''),
    });
  }
}

function toRule(fault: FaultSwitch): FaultRule {
  return {
    kind: fault.kind,
    rate: fault.percent / 100,
    latencyMs: fault.latencyMs ?? 0,
    scope: fault.target === undefined ? null : fault.target.replace(/^function:/, ''),
  };
}
