// What a DynamoDB API request asks for, in IAM's terms: who signed it, which actions on which ARNs.
// Strict: an operation, a shape or a name it does not know makes the request unreadable, and the
// guard denies an unreadable request instead of guessing its resources.
import { readPartiqlStatement } from './partiql-statement.ts';

/** One permission a request needs: `dynamodb:<Action>` on one resource ARN. */
export interface RequiredPermission {
  readonly action: string;
  readonly resource: string;
}

export interface DynamoDbRequest {
  /** The access key of the SigV4 `Authorization` header, or null when unsigned. */
  readonly accessKeyId: string | null;
  /** The API operation from `X-Amz-Target`, e.g. `GetItem`; null when absent or of another API. */
  readonly operation: string | null;
  /** Every permission the request needs; empty when it is invalid or unreadable. */
  readonly required: readonly RequiredPermission[];
  /** Why DynamoDB itself would reject the request as malformed (before any permission), or null. */
  readonly invalid: string | null;
  /** Why the check cannot tell what a request DynamoDB might accept needs (so it is denied), or null. */
  readonly unreadable: string | null;
  /** Tables the request names, for fault rules scoped to a table. */
  readonly tables: readonly string[];
}

type Json = Record<string, unknown>;
interface Reader {
  readonly input: Json;
  need(action: string, resource: string): void;
  table(value: unknown, what: string): string;
  index(tableArn: string, value: unknown): string;
}

class Refusal extends Error {
  constructor(
    readonly malformed: boolean,
    message: string,
  ) {
    super(message);
  }
}
/** DynamoDB would reject this request itself: a ValidationException, whoever signed it. */
const invalid = (reason: string): never => {
  throw new Refusal(true, reason);
};
/** DynamoDB might accept it, but the check cannot tell what it needs: denied. */
const unknown = (reason: string): never => {
  throw new Refusal(false, reason);
};

/** DynamoDB's own rules for table and index names. */
const NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}$/;
const STREAM_ARN =
  /^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\/[A-Za-z0-9_.-]{3,255}\/stream\/[A-Za-z0-9:._-]+$/;
const TARGET = /^(DynamoDB|DynamoDBStreams)_20120810\.([A-Za-z]+)$/;

const onTable = (action: string) => (r: Reader) => r.need(action, r.table(r.input.TableName, 'TableName'));
const onTableOrIndex = (action: string) => (r: Reader) => {
  const table = r.table(r.input.TableName, 'TableName');
  r.need(action, r.input.IndexName === undefined ? table : r.index(table, r.input.IndexName));
};
const onEverything = (action: string) => (r: Reader) => r.need(action, '*');
const onTagged = (action: string) => (r: Reader) =>
  r.need(action, r.table(r.input.ResourceArn, 'ResourceArn'));
const onStream = (action: string) => (r: Reader) => {
  const arn = r.input.StreamArn;
  r.need(
    action,
    typeof arn === 'string' && STREAM_ARN.test(arn)
      ? arn
      : invalid(`StreamArn ${JSON.stringify(arn)} is not a stream ARN`),
  );
};
const TRANSACT: Record<string, Record<string, string>> = {
  TransactWriteItems: {
    Put: 'PutItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    ConditionCheck: 'ConditionCheckItem',
  },
  TransactGetItems: { Get: 'GetItem' },
};
const transact = (operation: string) => (r: Reader) => {
  for (const item of list(r.input.TransactItems, 'TransactItems')) {
    const kinds = Object.keys(object(item, 'a TransactItems entry'));
    if (kinds.length !== 1)
      invalid(
        `a TransactItems entry names exactly one of ${Object.keys(TRANSACT[operation] ?? {}).join(', ')}`,
      );
    const [kind = ''] = kinds;
    const action = Object.hasOwn(TRANSACT[operation] ?? {}, kind) ? TRANSACT[operation]?.[kind] : undefined;
    if (!action) return invalid(`${kind} is not an item of ${operation}`);
    r.need(action, r.table(object((item as Json)[kind], kind).TableName, `${kind}.TableName`));
  }
};
const batch = (action: string) => (r: Reader) => {
  const tables = Object.keys(object(r.input.RequestItems, 'RequestItems'));
  if (tables.length === 0) invalid('RequestItems names no table');
  for (const table of tables) r.need(action, r.table(table, 'a RequestItems key'));
};
const partiql = (key: string, nested: boolean) => (r: Reader) => {
  const statements = nested
    ? list(r.input[key], key).map((s) => object(s, `a ${key} entry`).Statement)
    : [r.input[key]];
  for (const statement of statements) {
    if (typeof statement !== 'string') return invalid('Statement is not a string');
    const target = readPartiqlStatement(statement);
    if (typeof target === 'string') return unknown(`the PartiQL statement has ${target}`);
    const table = r.table(target.table, 'the PartiQL table');
    r.need(`PartiQL${target.kind}`, target.index === undefined ? table : r.index(table, target.index));
  }
};

/** Each operation the check understands, and how it reads what the operation needs (Service Authorization Reference). */
const OPERATIONS: Record<string, (r: Reader) => void> = {
  ...Object.fromEntries(
    [
      'GetItem',
      'PutItem',
      'UpdateItem',
      'DeleteItem',
      'DescribeTable',
      'CreateTable',
      'DeleteTable',
      'UpdateTable',
    ]
      .concat([
        'DescribeTimeToLive',
        'UpdateTimeToLive',
        'DescribeContinuousBackups',
        'UpdateContinuousBackups',
      ])
      .map((op) => [op, onTable(op)]),
  ),
  Query: onTableOrIndex('Query'),
  Scan: onTableOrIndex('Scan'),
  BatchGetItem: batch('BatchGetItem'),
  BatchWriteItem: batch('BatchWriteItem'),
  TransactGetItems: transact('TransactGetItems'),
  TransactWriteItems: transact('TransactWriteItems'),
  ExecuteStatement: partiql('Statement', false),
  BatchExecuteStatement: partiql('Statements', true),
  ExecuteTransaction: partiql('TransactStatements', true),
  ListTables: onEverything('ListTables'),
  DescribeLimits: onEverything('DescribeLimits'),
  ListTagsOfResource: onTagged('ListTagsOfResource'),
  TagResource: onTagged('TagResource'),
  UntagResource: onTagged('UntagResource'),
};
const STREAM_OPERATIONS: Record<string, (r: Reader) => void> = {
  DescribeStream: onStream('DescribeStream'),
  GetShardIterator: onStream('GetShardIterator'),
  ListStreams: onEverything('ListStreams'),
};

/**
 * Reads a DynamoDB (or DynamoDB Streams) JSON-protocol request: batch operations need their action
 * on every table they name, a transaction each item's own action, a query on an index the index's
 * ARN, a PartiQL statement `PartiQLSelect`/`Insert`/`Update`/`Delete` on the table or index it
 * names; a table given by its ARN is that ARN, whatever account or region it names.
 *
 * @example
 * readDynamoDbRequest(headers, '{"TableName":"products"}', { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID });
 */
export function readDynamoDbRequest(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: string,
  account: { readonly region: string; readonly accountId: string },
): DynamoDbRequest {
  const authorization = String(headers.authorization ?? '');
  const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1] ?? null;
  const target = TARGET.exec(String(headers['x-amz-target'] ?? ''));
  const operation = target?.[2] ?? null;
  const required: RequiredPermission[] = [];
  if (!target || operation === null)
    return { accessKeyId, operation, required, invalid: null, unreadable: null, tables: [] };
  const operations = target[1] === 'DynamoDB' ? OPERATIONS : STREAM_OPERATIONS;
  try {
    const read = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (!read) unknown(`${operation} is an operation the local IAM check does not know`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body || '{}');
    } catch {
      invalid('the body is not JSON');
    }
    const prefix = `arn:aws:dynamodb:${account.region}:${account.accountId}:table/`;
    read?.({
      input: object(parsed, 'the body (a JSON object)'),
      need: (action, resource) => required.push({ action: `dynamodb:${action}`, resource }),
      table(value, what) {
        if (typeof value !== 'string') return invalid(`${what} is not a string`);
        if (value.startsWith('arn:'))
          return TABLE_ARN.test(value)
            ? value
            : invalid(`${what} ${JSON.stringify(value)} is not a DynamoDB table ARN`);
        return NAME.test(value)
          ? `${prefix}${value}`
          : invalid(`${what} ${JSON.stringify(value)} is not a table name`);
      },
      index(tableArn, value) {
        if (typeof value !== 'string' || !NAME.test(value))
          return invalid(`IndexName ${JSON.stringify(value)} is not an index name`);
        return `${tableArn}/index/${value}`;
      },
    });
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const [why, other] = error.malformed ? [error.message, null] : [null, error.message];
    return { accessKeyId, operation, required: [], invalid: why, unreadable: other, tables: [] };
  }
  const tables = [...new Set(required.map((r) => /:table\/([^/]+)/.exec(r.resource)?.[1] ?? ''))].filter(
    (t) => t !== '',
  );
  return { accessKeyId, operation, required, invalid: null, unreadable: null, tables };
}

function object(value: unknown, what: string): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : invalid(`${what} is not a JSON object`);
}

function list(value: unknown, what: string): readonly unknown[] {
  return Array.isArray(value) && value.length > 0 ? value : invalid(`${what} is not a non-empty list`);
}
