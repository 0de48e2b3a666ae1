import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { RunningDynamoDb } from '../engines/engine.ts';
import { type DynamoDbOptions, startDynamoDb } from '../launcher/start-dynamodb.ts';
import { superviseDynamoDb } from '../launcher/supervise.ts';
import { type DynamoDbGuard, type DynamoDbGuardOptions, startDynamoDbGuard } from './dynamodb-guard.ts';
import type { FaultRule } from './faults.ts';
import { compiledPolicyOf } from './iam/compile-policy.ts';
import { type LoadedPolicies, loadFunctionPolicies } from './iam/load-policies.ts';
import type { FunctionPolicy } from './iam/policy-types.ts';
import type { LocalAccount } from './iam/resolve-intrinsics.ts';
import { type UnusedPermissions, unusedPermissions } from './iam/unused-permissions.ts';

export interface GuardedDynamoDbOptions extends DynamoDbOptions {
  /** The declarations whose policies the guard enforces; the engine starts without waiting for them. */
  readonly services: readonly LoadedService[] | Promise<readonly LoadedService[]>;
  readonly region: string;
  readonly faults?: readonly FaultRule[];
  /** Told of every call the guard answers (the local console's traces). */
  readonly onCall?: DynamoDbGuardOptions['onCall'];
  readonly observing?: DynamoDbGuardOptions['observing'];
  /**
   * Reads the policies of `services`; by default from the stack synthesized with cdk.json's
   * context. The local system passes the reading it shares among all its parts.
   */
  readonly loadPolicies?: (services: readonly LoadedService[]) => Promise<LoadedPolicies>;
  /** The local system's own messages (engine restarts, denied calls). */
  readonly notice: (line: string) => void;
}

export interface GuardedDynamoDb {
  /** The engine, for the admin client (tables, test scans): direct access, no checks. */
  readonly engine: RunningDynamoDb;
  /** The endpoint functions use: the guard, or the external endpoint itself. */
  readonly functionEndpoint: string;
  /** Each function's synthesized policy; empty with an external endpoint (AWS checks it). */
  readonly policies: ReadonlyMap<string, FunctionPolicy>;
  /** True when the stack was synthesized at this start (no cached policies). */
  readonly synthesized: boolean;
  setFaults(rules: readonly FaultRule[]): void;
  /** Reads the policies again for changed declarations (hot reload): new functions, new grants. */
  reloadPolicies(services: readonly LoadedService[]): Promise<void>;
  unusedPermissions(): UnusedPermissions;
  stop(): Promise<void>;
}

/**
 * DynamoDB as the functions reach it locally: the engine (supervised, restarted if it dies) behind
 * a guard that enforces each function's synthesized IAM policy and injects faults. Policies are
 * read while the engine starts. With an external endpoint nothing is put in between.
 */
export async function startGuardedDynamoDb(options: GuardedDynamoDbOptions): Promise<GuardedDynamoDb> {
  const account = { region: options.region, accountId: LOCAL_ACCOUNT_ID };
  const loadPolicies = options.loadPolicies ?? ((services) => loadFunctionPolicies(services, account));
  const policiesLoading = Promise.resolve(options.services).then(loadPolicies);
  policiesLoading.catch(() => {});
  const engine = await startDynamoDb(options);
  if (engine.engine === 'external') {
    return {
      engine,
      functionEndpoint: engine.endpoint,
      policies: new Map(),
      synthesized: false,
      setFaults: () => {
        throw new Error('Faults are injected on the local engines only, not on an external endpoint');
      },
      reloadPolicies: async () => {},
      unusedPermissions: () => new Map(),
      stop: () => engine.stop(),
    };
  }
  const supervised = superviseDynamoDb(engine, options.notice);
  let guard: DynamoDbGuard | undefined;
  try {
    const loaded = await policiesLoading;
    const { synthesized } = loaded;
    const byFunction = new Map(loaded.byFunction);
    const principals = principalsOf(byFunction, account, options.notice);
    guard = await startDynamoDbGuard({
      target: () => supervised.current,
      principals,
      account,
      ...(options.faults ? { faults: options.faults } : {}),
      ...(options.onCall ? { onCall: options.onCall } : {}),
      ...(options.observing ? { observing: options.observing } : {}),
      onDenied: (fn, message) => options.notice(`  IAM: ${fn} denied: ${message}`),
    });
    const running = guard;
    return {
      get engine() {
        return supervised.current;
      },
      functionEndpoint: running.endpoint,
      policies: byFunction,
      synthesized,
      setFaults: (rules) => running.setFaults(rules),
      async reloadPolicies(services) {
        const reloaded = (await loadPolicies(services)).byFunction;
        const next = principalsOf(reloaded, account, options.notice);
        // The guard reads these maps on every call: replaced in place, they apply at once.
        byFunction.clear();
        for (const [name, policy] of reloaded) byFunction.set(name, policy);
        principals.clear();
        for (const [key, policy] of next) principals.set(key, policy);
      },
      unusedPermissions: () => unusedPermissions(byFunction.values(), running.usedActions()),
      async stop() {
        await running.close();
        await supervised.stop();
      },
    };
  } catch (error) {
    await guard?.close();
    await supervised.stop();
    throw error;
  }
}

/**
 * Each function's policy by the access key it signs with. A policy the local check refuses, or
 * evaluates more strictly than IAM (a condition, a variable without a value), is named once here;
 * the guard then fails closed on it.
 */
function principalsOf(
  byFunction: ReadonlyMap<string, FunctionPolicy>,
  account: LocalAccount,
  notice: (line: string) => void,
): Map<string, FunctionPolicy> {
  for (const policy of byFunction.values()) {
    const { problems, notes } = compiledPolicyOf(policy.statements, account);
    for (const problem of problems)
      notice(
        `  IAM: ${policy.functionName}: its policy grants nothing locally, as IAM would refuse it: ${problem}`,
      );
    for (const note of notes) notice(`  IAM: ${policy.functionName}: ${note}`);
  }
  const principals = new Map([...byFunction.values()].map((p) => [localAccessKey(p.functionName), p]));
  if (principals.size !== byFunction.size)
    throw new Error('Two function names give the same local access key');
  return principals;
}

/**
 * The access key a function's instances sign with locally: it names the function, which is how
 * the guard tells callers apart (e.g. `LOCALPRODUCTSCREATE`).
 */
export function localAccessKey(functionName: string): string {
  return `LOCAL${functionName.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 128);
}
