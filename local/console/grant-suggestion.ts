// The declaration change that would grant one denied permission, and only it: IAM's denial says
// what is missing in AWS's terms; a developer changes a declaration in services/, so say it there.
import path from 'node:path';
import { type LoadedService, PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { DYNAMODB_ACTIONS, type DynamoDbAction } from '#src/declaration/types.ts';

// `arn:aws:dynamodb:<region>:<account>:table/<name>[/index/<index>]`
const TABLE_ARN = /^arn:aws:dynamodb:[^:]*:[^:]*:table\/([^/]+)(?:\/index\/([^/]+))?$/;

/**
 * A text ready to paste (with the file and function it belongs to), or an explanation when no
 * declaration can grant it (another service's table, an action declarations never grant).
 *
 * @example
 * grantSuggestion(services, 'products-get', { action: 'dynamodb:Query', resource: `arn:aws:dynamodb:us-east-1:${LOCAL_ACCOUNT_ID}:table/products` });
 * // "// services/products.ts, function products-get\nactions: ['dynamodb:GetItem', 'dynamodb:Query'],"
 */
export function grantSuggestion(
  services: readonly LoadedService[],
  functionName: string,
  missing: { readonly action: string; readonly resource: string },
): string | undefined {
  const owner = services.find(({ service }) => service.functions.some((fn) => fn.name === functionName));
  const fn = owner?.service.functions.find((f) => f.name === functionName);
  if (!owner || !fn) return undefined;
  const file = path.relative(PROJECT_ROOT, owner.file);
  const where = `// ${file}, function ${fn.name}`;
  const generated = owner.service.itemSchema
    ? '\n// (a typed resource generates its functions: change this in the function defineCrudResource makes)'
    : '';
  const target = TABLE_ARN.exec(missing.resource);
  const table = target?.[1];
  const index = target?.[2];
  if (!(DYNAMODB_ACTIONS as readonly string[]).includes(missing.action))
    return `No declaration grants ${missing.action}: a function may be granted only ${DYNAMODB_ACTIONS.join(', ')}.`;
  if (table !== owner.service.table.name)
    return `No declaration grants ${missing.action} on ${missing.resource}: a function is granted its own table (${owner.service.table.name}) only; call the service that owns ${table ?? 'it'} through its API instead.`;
  const action = missing.action as DynamoDbAction;
  if (index !== undefined) {
    if (action !== 'dynamodb:Query')
      return `No declaration grants ${action} on an index: indexes are granted dynamodb:Query only.`;
    const indexes = [...(fn.indexes ?? []), index];
    const actions = fn.actions.includes(action) ? '' : `\nactions: [${quoted([...fn.actions, action])}],`;
    return `${where}${generated}${actions}\nindexes: [${quoted(indexes)}],`;
  }
  return `${where}${generated}\nactions: [${quoted([...fn.actions, action])}],`;
}

const quoted = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
