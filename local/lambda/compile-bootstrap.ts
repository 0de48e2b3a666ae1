import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { BUNDLE_TARGET } from '#src/build/bundle-function.ts';

let source: string | undefined;

/**
 * JavaScript source of worker-bootstrap.ts, compiled once per process and kept in memory.
 *
 * The bootstrap is written in TypeScript so that the type checker covers it and the protocol
 * types it shares with the host, and it is compiled here because the worker must run under
 * bare Node, as a bundle runs on Lambda, without the tsx loader of the host. It is compiled to
 * CommonJS because a worker started from a source string (`eval: true`) runs it as a script;
 * the bundle itself is still loaded as ESM through `import()`. Nothing is written to disk.
 */
export function bootstrapSource(): string {
  source ??= compile();
  return source;
}

function compile(): string {
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL('./worker-bootstrap.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLE_TARGET,
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the worker bootstrap');
  return output.text;
}
