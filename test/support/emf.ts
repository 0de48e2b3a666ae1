// Reads a log line as CloudWatch would read an Embedded Metric Format document, applying the
// specification's rules (CloudWatch "Embedded metric format specification"), so that a test fails
// on a line CloudWatch would ignore or reject.

export interface EmfMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string | undefined;
  readonly value: number;
  /** Dimension name → value, for the one dimension set each metric is published under. */
  readonly dimensions: Readonly<Record<string, string>>;
}

const UNITS = new Set(['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Count', 'Percent', 'None']);

/**
 * The metrics an EMF log line declares, or undefined for a line that is not EMF (not JSON, or no
 * `_aws`). Throws on a line that claims to be EMF but breaks the specification.
 */
export function readEmf(line: string): EmfMetric[] | undefined {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(line.slice(line.indexOf('{')));
  } catch {
    return undefined;
  }
  const meta = document._aws as Record<string, unknown> | undefined;
  if (meta === undefined) return undefined;
  const fail = (why: string): never => {
    throw new Error(`invalid EMF (${why}): ${line}`);
  };
  if (typeof meta.Timestamp !== 'number' || !Number.isInteger(meta.Timestamp)) fail('Timestamp');
  const directives = meta.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length === 0) fail('CloudWatchMetrics');
  const metrics: EmfMetric[] = [];
  for (const directive of directives as Record<string, unknown>[]) {
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || !/^[^:].{0,255}$/.test(namespace)) fail('Namespace');
    const sets = directive.Dimensions;
    if (!Array.isArray(sets) || sets.length !== 1) fail('one dimension set expected');
    const keys = (sets as unknown[][])[0] ?? [];
    if (keys.length === 0 || keys.length > 30) fail('1 to 30 dimensions');
    const dimensions: Record<string, string> = {};
    for (const key of keys) {
      const value = document[String(key)];
      if (typeof value !== 'string' || value === '')
        fail(`dimension ${String(key)} must be a non-empty string`);
      dimensions[String(key)] = value as string;
    }
    const declared = directive.Metrics;
    if (!Array.isArray(declared) || declared.length === 0 || declared.length > 100) fail('1 to 100 metrics');
    for (const { Name, Unit } of declared as { Name?: unknown; Unit?: unknown }[]) {
      if (typeof Name !== 'string' || Name === '') fail('metric Name');
      if (Unit !== undefined && !UNITS.has(String(Unit))) fail(`unit ${String(Unit)}`);
      const value = document[Name as string];
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(`metric ${String(Name)} needs a number`);
      metrics.push({
        namespace: namespace as string,
        name: Name as string,
        unit: Unit as string | undefined,
        value: value as number,
        dimensions,
      });
    }
  }
  return metrics;
}

/** Metric name → value, for a line's metrics. */
export function metricValues(metrics: readonly EmfMetric[]): Record<string, number> {
  return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}
