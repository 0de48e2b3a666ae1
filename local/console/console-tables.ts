// The console's table editor: browse, query and edit the declared tables straight through the
// engine, with the functions' document client rules, each item's size against DynamoDB's 400 KB,
// and every edit written to the `_console-admin` log group.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TableDeclaration } from '#src/declaration/types.ts';
import { itemSize, MAX_ITEM_BYTES } from '#src/domain/item-size.ts';
import { MARSHALL_OPTIONS, UNMARSHALL_OPTIONS } from '#src/store/document-client.ts';
import { badRequest, ConsoleProblem } from './console-http.ts';
import { tableView } from './console-overview.ts';

type Item = Record<string, unknown>;

const MAX_PAGE = 100;
/** The sort key conditions a query may put, as DynamoDB's key condition expressions know them. */
const SORT_OPERATORS = new Map([
  ['=', '='],
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['begins_with', 'begins_with'],
]);

export class ConsoleTables {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: () => readonly TableDeclaration[];
  readonly #adminLog: (entry: Record<string, unknown>) => void;

  constructor(
    admin: DynamoDBClient,
    tables: () => readonly TableDeclaration[],
    adminLog: (entry: Record<string, unknown>) => void,
  ) {
    this.#client = DynamoDBDocumentClient.from(admin, {
      marshallOptions: { ...MARSHALL_OPTIONS },
      unmarshallOptions: { ...UNMARSHALL_OPTIONS },
    });
    this.#tables = tables;
    this.#adminLog = adminLog;
  }

  table(name: string): TableDeclaration {
    const table = this.#tables().find((t) => t.name === name);
    if (!table) throw new ConsoleProblem(404, 'Not Found', `No declared table is named ${name}.`);
    return table;
  }

  async list() {
    return Promise.all(
      this.#tables().map(async (table) => {
        const described = await this.#client
          .send(new DescribeTableCommand({ TableName: table.name }))
          .catch(() => undefined);
        return { ...tableView(table), itemCount: described?.Table?.ItemCount ?? 0 };
      }),
    );
  }

  async items(name: string, limitText: string | null, cursor: string | null) {
    const table = this.table(name);
    const answer = await this.#client.send(
      new ScanCommand({
        TableName: table.name,
        Limit: pageSize(limitText),
        ...(cursor ? { ExclusiveStartKey: decodeCursor(cursor) } : {}),
      }),
    );
    return page(answer.Items ?? [], answer.LastEvaluatedKey);
  }

  async query(name: string, input: Record<string, unknown>) {
    const table = this.table(name);
    const indexName = input.index;
    const index =
      indexName === undefined ? undefined : (table.indexes ?? []).find((i) => i.name === indexName);
    if (indexName !== undefined && !index)
      throw badRequest(`${table.name} has no index ${String(indexName)}.`);
    const partitionKey = index ? index.key.hash.attribute : table.partitionKey;
    const sortKey = index ? index.key.range?.attribute : table.sortKey;
    const key = input.key;
    if (typeof key !== 'object' || key === null || !(partitionKey in key))
      throw badRequest(`key must name the partition key ${partitionKey}.`);
    const values: Item = { ':pk': (key as Item)[partitionKey] };
    let condition = '#pk = :pk';
    const names: Record<string, string> = { '#pk': partitionKey };
    const sort = input.sortKeyCondition;
    if (sort !== undefined) {
      const { operator, value } = (sort ?? {}) as Item;
      const op = SORT_OPERATORS.get(String(operator));
      if (!sortKey || !op || value === undefined)
        throw badRequest(
          `sortKeyCondition is { operator: ${[...SORT_OPERATORS.keys()].join(' | ')}, value } on a sort key.`,
        );
      names['#sk'] = sortKey;
      values[':sk'] = value;
      condition += op === 'begins_with' ? ' AND begins_with(#sk, :sk)' : ` AND #sk ${op} :sk`;
    }
    const answer = await this.#client.send(
      new QueryCommand({
        TableName: table.name,
        ...(index ? { IndexName: index.name } : {}),
        KeyConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: MAX_PAGE,
      }),
    );
    return page(answer.Items ?? [], answer.LastEvaluatedKey);
  }

  /** Writes an item whole, as PutItem does; 400 when its key is missing or it is over 400 KB. */
  async put(name: string, input: Record<string, unknown>) {
    const table = this.table(name);
    const item = input.item;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw badRequest('item must be an object.');
    for (const attribute of [table.partitionKey, table.sortKey]) {
      if (attribute !== undefined && !(attribute in item))
        throw badRequest(`item must have its key attribute ${attribute}.`);
    }
    const sizeBytes = itemSize(item as Item);
    if (sizeBytes > MAX_ITEM_BYTES)
      throw badRequest(
        `The item takes ${sizeBytes} bytes as DynamoDB counts them, over its limit of ${MAX_ITEM_BYTES}.`,
      );
    await this.#client.send(new PutCommand({ TableName: table.name, Item: item as Item }));
    this.#adminLog({ action: 'PutItem', table: table.name, key: keyOf(table, item as Item), sizeBytes });
    return { item, sizeBytes };
  }

  async delete(name: string, input: Record<string, unknown>) {
    const table = this.table(name);
    const key = input.key;
    if (typeof key !== 'object' || key === null) throw badRequest('key must be an object.');
    const wanted = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    if (Object.keys(key).length !== wanted.length || wanted.some((a) => !(a in key)))
      throw badRequest(`key must have exactly ${wanted.join(' and ')}.`);
    await this.#client.send(new DeleteCommand({ TableName: table.name, Key: key as Item }));
    this.#adminLog({ action: 'DeleteItem', table: table.name, key });
  }
}

function keyOf(table: TableDeclaration, item: Item): Item {
  return Object.fromEntries(
    [table.partitionKey, table.sortKey].filter((a): a is string => a !== undefined).map((a) => [a, item[a]]),
  );
}

function pageSize(text: string | null): number {
  if (text === null) return 25;
  const size = Number(text);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw badRequest(`limit is 1–${MAX_PAGE}.`);
  return size;
}

function page(items: readonly Item[], last: Item | undefined) {
  return {
    items: items.map((item) => ({ item, sizeBytes: itemSize(item) })),
    ...(last ? { cursor: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}),
  };
}

function decodeCursor(cursor: string): Item {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Item;
  } catch {
    // answered below
  }
  throw badRequest('cursor is not one this API gave.');
}
