import { useState } from 'preact/hooks';
import { MAX_ITEM_BYTES } from '../../../src/domain/item-size.ts';
import { call, type ItemPage, type ItemWithSize, query, type TableInfo } from '../api.ts';
import { href } from '../router.ts';
import { useLoad } from '../use-load.ts';

const PAGE = 25;

export function Tables({ table }: { table?: string }) {
  const tables = useLoad(async () => (await call<{ tables: TableInfo[] }>('tables')).tables, 'tables');
  const current = tables.data?.find((candidate) => candidate.name === table) ?? tables.data?.[0];
  return (
    <section aria-labelledby="tables-title">
      <h1 id="tables-title" tabIndex={-1}>
        Tables
      </h1>
      {tables.error && <p role="alert">Could not load the tables: {tables.error}</p>}
      <nav aria-label="Tables">
        <ul class="tabs">
          {(tables.data ?? []).map((candidate) => (
            <li key={candidate.name}>
              <a
                href={href('tables', [candidate.name])}
                aria-current={candidate === current ? 'page' : undefined}
              >
                {candidate.name}
                {/* DynamoDB's item count is refreshed about every six hours: an estimate only. */}
                {candidate.itemCount !== undefined ? ` (about ${candidate.itemCount} items)` : ''}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {current && <TableView key={current.name} table={current} />}
    </section>
  );
}

const keyOf = (table: TableInfo, item: Record<string, unknown>) =>
  Object.fromEntries(
    [table.partitionKey, table.sortKey]
      .filter((name): name is string => Boolean(name))
      .map((name) => [name, item[name]]),
  );

function TableView({ table }: { table: TableInfo }) {
  const [cursor, setCursor] = useState<string>();
  const [round, setRound] = useState(0);
  const [queried, setQueried] = useState<ItemPage>();
  const [queryError, setQueryError] = useState<string>();
  const page = useLoad(
    () => call<ItemPage>(`tables/${encodeURIComponent(table.name)}/items${query({ limit: PAGE, cursor })}`),
    `${cursor}-${round}`,
  );
  const [editing, setEditing] = useState<ItemWithSize>();
  const [index, setIndex] = useState('');
  const keys = index ? (table.indexes.find((candidate) => candidate.name === index) ?? table) : table;

  const runQuery = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const partition = String(form.get('partition') ?? '');
    const sortValue = String(form.get('sort') ?? '');
    const operator = String(form.get('operator') ?? '=');
    try {
      setQueryError(undefined);
      setQueried(
        await call<ItemPage>(`tables/${encodeURIComponent(table.name)}/query`, {
          method: 'POST',
          body: {
            ...(index ? { index } : {}),
            key: { [keys.partitionKey]: typed(partition) },
            ...(keys.sortKey && sortValue ? { sortKeyCondition: { operator, value: typed(sortValue) } } : {}),
          },
        }),
      );
    } catch (error) {
      setQueryError(error instanceof Error ? error.message : String(error));
    }
  };
  const shown = queried ?? page.data;

  return (
    <>
      <p>
        Partition key <code>{table.partitionKey}</code>
        {table.sortKey && (
          <>
            , sort key <code>{table.sortKey}</code>
          </>
        )}
        {table.indexes.length > 0 && `; indexes: ${table.indexes.map((i) => i.name).join(', ')}`}
      </p>
      <form class="filters" onSubmit={runQuery} aria-label={`Query ${table.name}`}>
        <div class="field">
          <label for="query-index">Index</label>
          <select id="query-index" value={index} onChange={(e) => setIndex(e.currentTarget.value)}>
            <option value="">the table</option>
            {table.indexes.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="query-partition">{keys.partitionKey} (partition key)</label>
          <input id="query-partition" name="partition" required />
        </div>
        {keys.sortKey && (
          <>
            <div class="field">
              <label for="query-operator">Condition on {keys.sortKey}</label>
              <select id="query-operator" name="operator">
                {['=', '<', '<=', '>', '>=', 'begins_with'].map((operator) => (
                  <option key={operator}>{operator}</option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="query-sort">{keys.sortKey} (sort key, optional)</label>
              <input id="query-sort" name="sort" />
            </div>
          </>
        )}
        <button type="submit">Query</button>
        {queried && (
          <button type="button" onClick={() => setQueried(undefined)}>
            Back to browsing
          </button>
        )}
      </form>
      {queryError && <p role="alert">Query refused: {queryError}</p>}
      {page.error && <p role="alert">Could not read the items: {page.error}</p>}
      <table class="grid items">
        <caption>
          {queried ? 'Query result' : 'Items'} of {table.name}
        </caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Item</th>
            <th scope="col">Size</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(shown?.items ?? []).map((entry) => {
            const key = JSON.stringify(keyOf(table, entry.item));
            return (
              <tr key={key}>
                <td>
                  <code>{key}</code>
                </td>
                <td class="item-preview">
                  <code>{JSON.stringify(entry.item).slice(0, 160)}</code>
                </td>
                <td>
                  <Size bytes={entry.sizeBytes} />
                </td>
                <td>
                  <button type="button" onClick={() => setEditing(entry)} aria-label={`Edit item ${key}`}>
                    Edit
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {!queried && (
        <nav class="pager" aria-label="Item pages">
          <button type="button" disabled={!cursor} onClick={() => setCursor(undefined)}>
            First page
          </button>
          <button type="button" disabled={!page.data?.cursor} onClick={() => setCursor(page.data?.cursor)}>
            Next page
          </button>
        </nav>
      )}
      <button type="button" onClick={() => setEditing({ item: {}, sizeBytes: 0 })}>
        New item
      </button>
      {editing && (
        <ItemEditor
          table={table}
          entry={editing}
          onDone={() => {
            setEditing(undefined);
            setQueried(undefined);
            setRound((n) => n + 1);
          }}
        />
      )}
    </>
  );
}

/** Numbers typed in a key field are numbers; anything else is a string. */
const typed = (text: string): string | number =>
  text.trim() !== '' && !Number.isNaN(Number(text)) ? Number(text) : text;

function Size({ bytes }: { bytes: number }) {
  const share = bytes / MAX_ITEM_BYTES;
  return (
    <span class={share > 0.9 ? 'size near' : 'size'} title={`${bytes} of ${MAX_ITEM_BYTES} bytes`}>
      {(bytes / 1024).toFixed(1)} KB of {MAX_ITEM_BYTES / 1024} KB ({(share * 100).toFixed(2)} %)
    </span>
  );
}

function ItemEditor({ table, entry, onDone }: { table: TableInfo; entry: ItemWithSize; onDone: () => void }) {
  const [text, setText] = useState(JSON.stringify(entry.item, null, 2));
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<ItemWithSize>();
  const path = `tables/${encodeURIComponent(table.name)}/items`;
  const parse = (): Record<string, unknown> | undefined => {
    try {
      const value = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
      setProblem('The item must be a JSON object.');
    } catch (error) {
      setProblem(`Not JSON: ${(error as Error).message}`);
    }
    return undefined;
  };
  const save = async (event: Event) => {
    event.preventDefault();
    const item = parse();
    if (!item) return;
    try {
      setProblem(undefined);
      setSaved(await call<ItemWithSize>(path, { method: 'PUT', body: { item } }));
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  const remove = async () => {
    try {
      await call<void>(path, { method: 'DELETE', body: { key: keyOf(table, entry.item) } });
      onDone();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    }
  };
  return (
    <form class="card editor" onSubmit={save} aria-labelledby="editor-title">
      <h2 id="editor-title">{Object.keys(entry.item).length ? 'Edit item' : 'New item'}</h2>
      <p class="hint" id="editor-hint">
        Written directly to the engine through the document client, and logged as an admin action. Size now:{' '}
        <Size bytes={(saved ?? entry).sizeBytes} />
      </p>
      <label for="item-json">Item (JSON)</label>
      <textarea
        id="item-json"
        rows={12}
        spellcheck={false}
        value={text}
        aria-describedby="editor-hint"
        aria-invalid={problem ? 'true' : undefined}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {problem && <p role="alert">{problem}</p>}
      {saved && <p role="status">Saved.</p>}
      <div class="actions">
        <button type="submit">Save item</button>
        {Object.keys(entry.item).length > 0 && (
          <button type="button" class="danger" onClick={remove}>
            Delete item
          </button>
        )}
        <button type="button" onClick={onDone}>
          Close
        </button>
      </div>
    </form>
  );
}
