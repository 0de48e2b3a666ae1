// How the CLI prints answers: JSON for scripts, or a plain table for people.

/** The output formats of `--output`. */
export const OUTPUT_FORMATS = ['json', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const cell = (value: unknown): string =>
  value === undefined || value === null
    ? ''
    : Array.isArray(value)
      ? value.map(cell).join(',')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** Rows as an aligned text table, one column per key any row has, in order of appearance. */
export function toTable(rows: readonly Record<string, unknown>[]): string {
  if (rows.length === 0) return '(none)\n';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cells = [columns, ...rows.map((row) => columns.map((c) => cell(row[c])))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => (line[i] ?? '').length)));
  return `${cells
    .map((line) =>
      line
        .map((text, i) => text.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

/** An answer in the chosen format: a table shows an object as one row, a list as many. */
export function render(value: unknown, format: OutputFormat): string {
  if (format === 'json' || typeof value !== 'object' || value === null)
    return `${JSON.stringify(value, null, 2)}\n`;
  const rows = Array.isArray(value) ? value : [value];
  return toTable(rows.map((row) => (typeof row === 'object' && row !== null ? row : { value: row })));
}
