import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DynamoDbCallRecord } from '#local/contracts.ts';
import type { RunningDynamoDb } from '../engines/engine.ts';
import { FAULT_RESPONSES, type FaultRule, planFaults } from './faults.ts';
import { compiledPolicyOf } from './iam/compile-policy.ts';
import { readDynamoDbRequest } from './iam/dynamodb-request.ts';
import { DECISIONS, decidingStatement, evaluateCompiled } from './iam/evaluate-policy.ts';
import type { FunctionPolicy } from './iam/policy-types.ts';
import type { LocalAccount } from './iam/resolve-intrinsics.ts';
import { type CallNote, observeCall } from './observe-call.ts';
import { refuseOutsiders } from './refuse-outsiders.ts';

export interface DynamoDbGuardOptions {
  /**
   * The engine as it is now (it may change when a dead engine is restarted): its base URL, and
   * for an engine in this process the function that answers a request without a connection.
   */
  readonly target: () => Pick<RunningDynamoDb, 'endpoint' | 'serveInProcess'>;
  /** Each function's access key → its synthesized policy. */
  readonly principals: ReadonlyMap<string, FunctionPolicy>;
  readonly account: LocalAccount;
  readonly faults?: readonly FaultRule[];
  /** Told of every denied call, e.g. to write it into the function's log. */
  readonly onDenied?: (functionName: string, message: string) => void;
  /** Told of every call once answered, with its IAM decision and fault (the console's traces). */
  readonly onCall?: (call: DynamoDbCallRecord) => void;
  /** Whether `onCall` wants calls now (the console's tracing switch); always when absent. */
  readonly observing?: () => boolean;
}

export interface DynamoDbGuard {
  /** Base URL the functions use as their DynamoDB endpoint. */
  readonly endpoint: string;
  /** Replaces the fault rules (tests, or a future control command). */
  setFaults(rules: readonly FaultRule[]): void;
  /** The DynamoDB actions each function was allowed and used, by function name. */
  usedActions(): ReadonlyMap<string, ReadonlySet<string>>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the DynamoDB engine, the only DynamoDB endpoint the functions
 * know. For each request it finds the calling function from the SigV4 access key, checks every
 * permission the request needs against that function's synthesized policy and answers a denied
 * call with DynamoDB's own `AccessDeniedException`; then it applies the configured faults and
 * forwards the request, unchanged, to the engine (an engine in this process is handed the request
 * and the response directly, with no second connection). The local system's admin client (tables,
 * test scans) talks to the engine directly.
 *
 * @example
 * const guard = await startDynamoDbGuard({ target: () => engine, principals, account });
 * // functions get AWS_ENDPOINT_URL_DYNAMODB=guard.endpoint
 */
export async function startDynamoDbGuard(options: DynamoDbGuardOptions): Promise<DynamoDbGuard> {
  let faults = options.faults ?? [];
  const used = new Map<string, Set<string>>();
  // Each policy is compiled once, when it is loaded (at start, or after a reload replaced it).
  const compiledOf = (policy: FunctionPolicy) => compiledPolicyOf(policy.statements, options.account);
  for (const policy of options.principals.values()) compiledOf(policy);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // What an allowed call's note holds, made once per distinct value: the tracer keeps each note
  // with its trace, thousands of them, and allowed calls repeat a few tables and statements.
  const keptTables = interned((tables: readonly string[]) => Object.freeze([...tables]));
  const keptAllow = interned(
    (statements: readonly string[]): NonNullable<CallNote['iam']> =>
      Object.freeze({ decision: 'allow', statements: Object.freeze([...statements]) }),
  );
  const server = createServer((req, res) => {
    // The engine behind it refuses browsers and foreign Hosts; an engine handed the call in process
    // never sees the connection, so the guard refuses them first, whichever engine runs.
    if (refuseOutsiders(req, res)) return;
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        sendError(res, 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', String(error));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const note: CallNote | undefined =
      options.onCall && (options.observing?.() ?? true) ? observeCall(req, res, options.onCall) : undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    const call = readDynamoDbRequest(req.headers, text, options.account);
    const policy = call.accessKeyId ? options.principals.get(call.accessKeyId) : undefined;
    if (note) {
      note.functionName = policy?.functionName;
      note.operation = call.operation;
      note.tables = call.tables;
      note.body = text;
    }
    if (!policy) {
      return sendError(
        res,
        400,
        'com.amazonaws.dynamodb.v20120810#UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    if (call.operation === null) {
      // Nothing to check against a policy, so nothing goes through.
      return sendError(res, 400, 'com.amazon.coral.service#UnknownOperationException', 'Unknown operation');
    }
    const user = `User: arn:aws:sts::${options.account.accountId}:assumed-role/${policy.roleName}/${policy.functionName}`;
    const refuse = (message: string, missing?: { action: string; resource: string }, statement?: string) => {
      if (note)
        note.iam = {
          decision: 'deny',
          statements: statement ? [statement] : [],
          reason: message,
          ...(missing ? { missing } : {}),
        };
      options.onDenied?.(policy.functionName, message);
      sendError(res, 400, 'com.amazon.coral.service#AccessDeniedException', message);
    };
    if (call.invalid !== null) {
      // DynamoDB rejects such a request whoever signs it; answered here, so nothing unchecked reaches the engine.
      return sendError(res, 400, 'com.amazon.coral.validate#ValidationException', call.invalid);
    }
    if (call.unreadable !== null) {
      // What the check cannot read it cannot allow.
      return refuse(
        `${user} is not authorized to perform: dynamodb:${call.operation} because the local IAM check cannot tell what it needs: ${call.unreadable}`,
        { action: `dynamodb:${call.operation}`, resource: '*' },
      );
    }
    const compiledPolicy = compiledOf(policy);
    const allowedBy: string[] = [];
    for (const { action, resource } of call.required) {
      const decision = evaluateCompiled(compiledPolicy, action, resource);
      const statement =
        note && decidingStatement(compiledPolicy, policy.statements, action, resource, decision);
      if (decision === DECISIONS.allow) {
        if (statement && !allowedBy.includes(statement)) allowedBy.push(statement);
        continue;
      }
      const why =
        decision === DECISIONS.explicitDeny
          ? 'with an explicit deny in an identity-based policy'
          : compiledPolicy.problems.length > 0
            ? `because the local IAM check refuses the function's policy, as IAM would: ${compiledPolicy.problems[0]}`
            : `because no identity-based policy allows the ${action} action`;
      return refuse(
        `${user} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
        { action, resource },
        statement,
      );
    }
    if (note) {
      note.iam = keptAllow(allowedBy);
      note.tables = keptTables(call.tables);
    }
    const actions = used.get(policy.functionName) ?? new Set<string>();
    used.set(policy.functionName, actions);
    for (const { action } of call.required) actions.add(action);

    const plan = planFaults(faults, policy.functionName, call.tables);
    if (note && (plan.error || plan.delayMs > 0))
      note.fault = [plan.delayMs > 0 ? `latency ${plan.delayMs} ms` : '', plan.error ?? '']
        .filter(Boolean)
        .join(', ');
    if (plan.delayMs > 0) await sleep(plan.delayMs);
    // A caller that gave up (e.g. its SDK timed out) gets nothing more; `req` is always done by now.
    if (res.destroyed || res.socket?.destroyed !== false) return;
    if (plan.error) {
      const fault = FAULT_RESPONSES[plan.error];
      return sendError(res, fault.status, fault.type, fault.message);
    }
    const engine = options.target();
    if (engine.serveInProcess) {
      const { method = 'POST', url = '/', headers } = req;
      return engine.serveInProcess({ method, url, headers, body }, res);
    }
    await forward(engine.endpoint, req, body, res);
  }

  function forward(endpoint: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const target = new URL(req.url ?? '/', endpoint);
      // The engine answers only its own loopback Host (no DNS rebinding); it checks no signature.
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      const upstream = httpRequest(target, { method: req.method, headers, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      // An engine that is down: the client sees the connection fail, as it would without the guard.
      upstream.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      upstream.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setFaults(rules) {
      faults = rules;
    },
    usedActions: () => used,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  // Coral's service exceptions carry `Message`, validation and DynamoDB's own `message`; the SDK reads both.
  const key = type.startsWith('com.amazon.coral.service') ? 'Message' : 'message';
  const body = JSON.stringify({ __type: type, [key]: message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': crypto.randomUUID(),
  });
  res.end(body);
}

/** Distinct values interned, at most: past it a value is made anew each time (nothing grows unbounded). */
const INTERNED_LIMIT = 1000;

/** `make(list)`, the same object for the same list of strings. */
function interned<T>(make: (list: readonly string[]) => T): (list: readonly string[]) => T {
  const made = new Map<string, T>();
  return (list) => {
    const key = list.join('\n');
    let value = made.get(key);
    if (value === undefined) {
      value = make(list);
      if (made.size < INTERNED_LIMIT) made.set(key, value);
    }
    return value;
  };
}
