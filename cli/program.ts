// The command line on the typed client: one command per typed resource of the document
// (list, get, create, update, delete), `manager` for DynamoDBManager.

import { Command, Option } from 'commander';
import { type ApiClient, createClient, type ManagerRequest, type ResourceName } from '#client/index.ts';
import { dataFolder } from '#local/private-data-folder.ts';
import { listOf, oneLine } from '#local/tools/command-line.ts';
import { npmCommand, readRuntimeFile } from '#local/tools/runtime-file.ts';
import document from '../docs/openapi.json' with { type: 'json' };
import { fieldOptions, filterOptions } from './field-options.ts';
import { OUTPUT_FORMATS, type OutputFormat, render } from './output.ts';

/** Environment variables the CLI reads when the flags are absent. */
export const CLI_ENV = { url: 'SM_API_URL', token: 'SM_API_TOKEN' } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface GlobalOptions {
  readonly url?: string;
  readonly dataDir?: string;
  readonly token?: string;
  readonly output: OutputFormat;
}

type Schema = { properties?: Record<string, { type?: string | string[] }>; required?: string[] };
const schemas = document.components.schemas as Record<string, Schema>;
const refName = (ref: string) => ref.replace('#/components/schemas/', '');

interface DocumentParameter {
  /** Absent on a shared parameter (a `$ref`): those are headers and path ids, never a filter. */
  readonly name?: string;
  readonly in?: string;
  readonly description?: string;
}

/** The typed resources in the document, with the schema of the fields a client sets and the list's filters. */
function resources(): { name: string; fields: Schema; filters: { name: string; description?: string }[] }[] {
  const paths = document.paths as Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: { $ref: string } }> };
        parameters?: DocumentParameter[];
      }
    >
  >;
  return Object.keys(paths).flatMap((path) => {
    const name = /^\/([^/]+)\/\{id\}$/.exec(path)?.[1];
    const ref = name
      ? paths[`/${name}`]?.post?.requestBody?.content['application/json']?.schema.$ref
      : undefined;
    const fields = ref ? schemas[refName(ref)] : undefined;
    // Every query parameter of the list but the paging ones is a filter of a declared index.
    const filters = (name ? (paths[`/${name}`]?.get?.parameters ?? []) : []).filter(
      (p): p is DocumentParameter & { name: string } =>
        p.in === 'query' && p.name !== undefined && p.name !== 'limit' && p.name !== 'cursor',
    );
    return name && fields ? [{ name, fields, filters }] : [];
  });
}

const EXAMPLES = [
  'npm run cli -- products list --output table',
  'npm run cli -- --token "$(npm run -s token -- --user alice --group admin)" products create --name Pen --price 2',
  'npm run cli -- --url http://127.0.0.1:3001 products get 01J…',
];

/**
 * The URL to call: `--url`, else `SM_API_URL`, else the system that `npm start` runs on the data
 * folder (its runtime file). With none of them it says how to get one rather than guess a port.
 */
export function apiUrl(
  options: Pick<GlobalOptions, 'url' | 'dataDir'>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const given = options.url || env[CLI_ENV.url];
  if (given) return given;
  const dataDir = dataFolder(options.dataDir, env);
  const running = readRuntimeFile(dataDir);
  if (running) return running.url;
  throw new Error(
    `No local system is running on ${dataDir}: start it (${npmCommand('start', dataDir)}) in another terminal, or pass --url <api base URL> (e.g. the deployed stack's)`,
  );
}

/**
 * The CLI's commands. `io` is where output goes and which environment is read (tests pass
 * their own); the returned program is run with `parseAsync`.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command('npm run cli --')
    .description('Call the Serverless Microservices API (the local system by default).')
    .addOption(
      new Option(
        '--url <url>',
        `API base URL (env ${CLI_ENV.url}; default: the system npm start runs on the data folder)`,
      ),
    )
    .addOption(
      new Option(
        '--data-dir <dir>',
        'the data folder of the npm start to call (env DATA_DIR, default .data)',
      ),
    )
    .addOption(
      new Option(
        '--token <token>',
        `ID token sent as the Authorization header (env ${CLI_ENV.token})`,
      ).default(io.env[CLI_ENV.token], io.env[CLI_ENV.token] ? 'from the environment' : undefined),
    )
    .addOption(new Option('--output <format>', 'output format').choices(OUTPUT_FORMATS).default('json'))
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
    })
    .exitOverride()
    .addHelpText('after', `\nExamples:\n  ${EXAMPLES.join('\n  ')}`);
  const context = (command: Command) => {
    const options = command.optsWithGlobals<GlobalOptions>();
    const client = createClient({
      baseUrl: apiUrl(options, io.env),
      ...(options.token ? { token: () => options.token } : {}),
    });
    const print = (value: unknown) => io.stdout(render(value, options.output));
    return { client, print, output: options.output };
  };

  for (const { name, fields, filters } of resources())
    addResource(program, name as ResourceName, fields, filters, context);

  program
    .command('manager')
    .description(
      'Run a DynamoDBManager operation (the AWS tutorial): create, read, update, delete, list, echo, ping',
    )
    .argument('<operation>', 'the operation')
    .addHelpText('after', `\nExample: npm run cli -- manager read --payload '{"Key":{"id":"x1"}}'`)
    .option('--payload <json>', 'the payload, as JSON', '{}')
    .option('--table <name>', 'tableName to send (only the service table is accepted)')
    .action(async (operation: string, options: { payload: string; table?: string }, command: Command) => {
      const { client, print } = context(command);
      let payload: unknown;
      try {
        payload = JSON.parse(options.payload);
      } catch {
        program.error('error: --payload is not valid JSON');
      }
      const request = { operation, payload, ...(options.table ? { tableName: options.table } : {}) };
      print(await client.manager(request as ManagerRequest));
    });
  for (const command of [program, ...program.commands]) oneLineErrors(command);
  return program;
}

/**
 * Usage errors on one line: commander's message and suggestion, the commands that exist when the
 * name was unknown, and where the usage is. Set on a command and its subcommands; called for a
 * parent before its children, so that each command's own list wins.
 */
function oneLineErrors(command: Command): void {
  const names = command.commands.map((sub) => sub.name());
  const outputError = (text: string, write: (text: string) => void) => {
    const known =
      /unknown command/.test(text) && names.length > 0 ? `; the commands are ${listOf(names)}` : '';
    write(`${oneLine(text)}${known} (see --help)\n`);
  };
  for (const each of [command, ...command.commands]) each.configureOutput({ outputError });
}

/** Example flags for a resource's required fields (all of them, or the first `count`). */
function exampleFields(fields: Schema, count = Number.POSITIVE_INFINITY): string {
  const sample = (type: string | string[] | undefined) => {
    const first = Array.isArray(type) ? type[0] : type;
    return first === 'number' || first === 'integer'
      ? '2'
      : first === 'boolean'
        ? 'true'
        : first === 'array'
          ? 'a,b'
          : 'text';
  };
  return (fields.required ?? [])
    .slice(0, count)
    .map(
      (field) =>
        `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${sample(fields.properties?.[field]?.type)}`,
    )
    .join(' ');
}

type Context = (command: Command) => {
  client: ApiClient;
  print: (value: unknown) => void;
  output: OutputFormat;
};

function addResource(
  program: Command,
  name: ResourceName,
  fields: Schema,
  filters: readonly { readonly name: string; readonly description?: string }[],
  context: Context,
): void {
  const resource = program
    .command(name)
    .description(`Items of ${name}`)
    .addHelpText('after', `\nExample: npm run cli -- ${name} list --output table`);
  const items = (command: Command) => context(command).client.resource(name);

  const list = resource
    .command('list')
    .description('List items, a page at a time (or --all pages); filters query a declared index')
    .addHelpText('after', `\nExample: npm run cli -- ${name} list --limit 10 --output table`)
    .option('--limit <n>', 'items per page', (raw) => Number(raw))
    .option('--cursor <cursor>', 'the nextCursor of the previous page')
    .option('--all', 'every page');
  const filterOf = filterOptions(filters);
  for (const { option } of filterOf) list.addOption(option);
  list.action(
    async (
      options: Record<string, unknown> & { limit?: number; cursor?: string; all?: boolean },
      command: Command,
    ) => {
      const { print, output } = context(command);
      // The server types and checks each value (a 400 names a bad one): they are sent as written.
      const where = Object.fromEntries(
        filterOf.flatMap(({ option, parameter }) => {
          const value = options[option.attributeName()];
          return value === undefined ? [] : [[parameter, value]];
        }),
      ) as never;
      if (options.all) {
        const all = [];
        for await (const item of items(command).list({
          where,
          ...(options.limit ? { pageSize: options.limit } : {}),
        }))
          all.push(item);
        return print(all);
      }
      const page = await items(command).page({
        ...(where as object),
        ...(options.limit !== undefined ? { limit: options.limit } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      } as never);
      print(output === 'table' ? page.items : page);
      if (output === 'table' && page.nextCursor) context(command).print({ nextCursor: page.nextCursor });
    },
  );

  resource
    .command('get')
    .description('Read one item')
    .addHelpText('after', `\nExample: npm run cli -- ${name} get <id>`)
    .argument('<id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      context(command).print(await items(command).get(id));
    });

  const create = resource
    .command('create')
    .description('Create an item (the server chooses its id)')
    .addHelpText('after', `\nExample: npm run cli -- ${name} create ${exampleFields(fields)}`);
  for (const option of fieldOptions(fields, true)) create.addOption(option);
  create.action(async (options: Record<string, unknown>, command: Command) => {
    context(command).print(await items(command).create(options as never));
  });

  const update = resource
    .command('update')
    .description('Change fields of an item (merge patch, conditional on the version just read)')
    .addHelpText('after', `\nExample: npm run cli -- ${name} update <id> ${exampleFields(fields, 1)}`)
    .argument('<id>')
    .option('--unset <fields>', 'comma-separated optional fields to remove', (raw) => raw.split(','));
  for (const option of fieldOptions(fields, false)) update.addOption(option);
  update.action(
    async (id: string, options: Record<string, unknown> & { unset?: string[] }, command: Command) => {
      const { unset = [], ...changes } = options;
      const patch = { ...changes, ...Object.fromEntries(unset.map((field) => [field, null])) };
      if (Object.keys(patch).length === 0)
        command.error('error: nothing to change: give at least one field option');
      context(command).print(await items(command).update(id, patch as never));
    },
  );

  resource
    .command('delete')
    .description('Delete an item')
    .addHelpText('after', `\nExample: npm run cli -- ${name} delete <id>`)
    .argument('<id>')
    .action(async (id: string, _options: unknown, command: Command) => {
      await items(command).delete(id);
      context(command).print({ deleted: id });
    });
}
