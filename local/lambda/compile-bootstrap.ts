import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { BUNDLE_TARGET } from '#src/build/bundle-function.ts';

let source: string | undefined;

/**
 * JavaScript source of instance-bootstrap.ts, compiled once per process and kept in memory (the
 * Lambda service writes it once into its scratch folder, where each instance's process runs it).
 *
 * The bootstrap is written in TypeScript so that the type checker covers it and the protocol
 * types it shares with the host, and it is compiled here because an instance runs bare Node, as
 * a bundle runs on Lambda, without the tsx loader of the host, and possibly another Node.js
 * major than the host's. It is compiled to CommonJS (a `.cjs` file, whatever package.json says);
 * the bundle itself is still loaded as ESM through `import()`.
 */
export function bootstrapSource(): string {
  source ??= compile();
  return source;
}

function compile(): string {
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL('./bootstrap/instance-bootstrap.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: BUNDLE_TARGET,
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for the instance bootstrap');
  return output.text;
}
