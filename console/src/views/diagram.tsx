import type { Overview } from '../api.ts';

const BOX_W = 190;
const BOX_H = 30;
const GAP = 12;
const COLUMNS = [20, 290, 560] as const;

/** Which tables a function may touch: its service's table and those its permissions name. */
export function tablesOf(fn: Overview['functions'][number], tables: Overview['tables']): string[] {
  const resources = fn.permissions.flatMap((permission) => permission.resources);
  return tables
    .filter(
      (table) =>
        table.name === fn.table ||
        resources.some((resource) => resource === table.name || resource.endsWith(`:table/${table.name}`)),
    )
    .map((table) => table.name);
}

/** Gateway → functions → tables, as an SVG with a text equivalent for screen readers. */
export function Diagram({ overview }: { overview: Overview }) {
  const functions = overview.functions;
  const tables = overview.tables;
  const rows = Math.max(functions.length, tables.length, 1);
  const height = rows * (BOX_H + GAP) + GAP;
  const y = (index: number) => GAP + index * (BOX_H + GAP);
  const gatewayY = (height - BOX_H) / 2;
  const edges = functions.flatMap((fn, index) =>
    tablesOf(fn, tables).map((table) => ({ from: index, to: tables.findIndex((t) => t.name === table) })),
  );
  const summary = functions
    .map((fn) => `${fn.name} uses ${tablesOf(fn, tables).join(', ') || 'no table'}`)
    .join('; ');
  return (
    <figure class="diagram">
      <svg
        viewBox={`0 0 ${COLUMNS[2] + BOX_W + 20} ${height}`}
        role="img"
        aria-label={`The gateway routes to ${functions.length} functions, which use ${tables.length} tables: ${summary}.`}
      >
        <rect x={COLUMNS[0]} y={gatewayY} width={BOX_W} height={BOX_H} rx="4" class="node gateway" />
        <text x={COLUMNS[0] + 10} y={gatewayY + 20}>
          API gateway
        </text>
        {functions.map((fn, index) => (
          <g key={fn.name}>
            <line
              x1={COLUMNS[0] + BOX_W}
              y1={gatewayY + BOX_H / 2}
              x2={COLUMNS[1]}
              y2={y(index) + BOX_H / 2}
            />
            <rect x={COLUMNS[1]} y={y(index)} width={BOX_W} height={BOX_H} rx="4" class="node function" />
            <text x={COLUMNS[1] + 10} y={y(index) + 20}>
              {fn.name}
            </text>
          </g>
        ))}
        {edges.map((edge) => (
          <line
            key={`${edge.from}-${edge.to}`}
            x1={COLUMNS[1] + BOX_W}
            y1={y(edge.from) + BOX_H / 2}
            x2={COLUMNS[2]}
            y2={y(edge.to) + BOX_H / 2}
          />
        ))}
        {tables.map((table, index) => (
          <g key={table.name}>
            <rect x={COLUMNS[2]} y={y(index)} width={BOX_W} height={BOX_H} rx="4" class="node table" />
            <text x={COLUMNS[2] + 10} y={y(index) + 20}>
              {table.name}
            </text>
          </g>
        ))}
      </svg>
      <figcaption>
        Gateway → functions → tables (an edge means the function's service owns the table or its permissions
        name it).
      </figcaption>
    </figure>
  );
}
