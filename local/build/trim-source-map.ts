// The local bundles' inline source maps, kept to the project's own code.
import { decode, encode } from '@jridgewell/sourcemap-codec';

const INLINE_MAP = '\n//# sourceMappingURL=data:application/json;base64,';

/**
 * `bundle` (an esbuild output ending in its inline source map) with a map that only covers code
 * outside node_modules. Nine tenths of a function's map are the AWS SDK's, and Node parses the
 * whole map at the first stack trace an instance prints: 0.5–0.9 s on a loaded 2-core machine
 * for the full map, enough to push a handler past its deadline; nobody debugs the SDK through
 * it. Frames in dependencies keep the bundle's position. A bundle without a map is returned as is.
 */
export function trimSourceMap(bundle: Uint8Array): Uint8Array {
  const text = Buffer.from(bundle).toString('utf8');
  const at = text.lastIndexOf(INLINE_MAP);
  if (at < 0) return bundle;
  const map = JSON.parse(
    Buffer.from(text.slice(at + INLINE_MAP.length).trim(), 'base64').toString('utf8'),
  ) as {
    sources: string[];
    names?: string[];
    mappings: string;
  };
  // The sources and names kept, renumbered: Node resolves every source listed.
  const sources: string[] = [];
  const names: string[] = [];
  const sourceIndex = map.sources.map((source) =>
    /(^|[\\/])node_modules[\\/]/.test(source) ? -1 : sources.push(source) - 1,
  );
  const nameIndex = new Map<number, number>();
  const lines = decode(map.mappings).map((line) => {
    const kept: (typeof line)[number][] = [];
    for (const segment of line) {
      if (segment.length === 1) continue; // no source: nothing to map to
      const source = sourceIndex[segment[1]] ?? -1;
      if (source < 0) continue;
      if (segment.length === 5) {
        let name = nameIndex.get(segment[4]);
        if (name === undefined) {
          name = names.push(map.names?.[segment[4]] ?? '') - 1;
          nameIndex.set(segment[4], name);
        }
        kept.push([segment[0], source, segment[2], segment[3], name]);
      } else kept.push([segment[0], source, segment[2], segment[3]]);
    }
    return kept;
  });
  const trimmed = { ...map, sources, names, mappings: encode(lines) };
  return Buffer.from(
    `${text.slice(0, at)}${INLINE_MAP}${Buffer.from(JSON.stringify(trimmed)).toString('base64')}\n`,
  );
}
