// `tsx bench/profile-summary.ts <file.cpuprofile> [<file.cpuprofile>…]`: where a handler's CPU
// went, by source file, read through the bundle's inline source map (`npm run bench -- --handlers
// --profile <dir>` writes both). Prints the share of samples whose own frame is in each file (self
// time), and the inclusive share of the project's own functions (src/).
import { readFile } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
}

const maps = new Map<string, SourceMap | undefined>();
async function sourceMapOf(url: string): Promise<SourceMap | undefined> {
  if (!url.startsWith('file:')) return undefined;
  if (!maps.has(url)) {
    const text = await readFile(fileURLToPath(url), 'utf8').catch(() => '');
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(text)?.[1];
    maps.set(
      url,
      inline ? new SourceMap(JSON.parse(Buffer.from(inline, 'base64').toString('utf8'))) : undefined,
    );
  }
  return maps.get(url);
}

/** The original file and function of a frame, shortened to the part after node_modules or the project. */
async function place(frame: ProfileNode['callFrame']): Promise<{ file: string; name: string }> {
  const map = await sourceMapOf(frame.url);
  const entry = map?.findEntry(frame.lineNumber, frame.columnNumber);
  const original =
    entry && 'originalSource' in entry
      ? entry.originalSource
      : frame.url || (frame.functionName.startsWith('(') ? frame.functionName : '(native code)');
  const file = original.replace(/^.*node_modules\//, '').replace(/^.*?\/(src|services)\//, '$1/');
  const line = entry && 'originalLine' in entry ? `:${entry.originalLine + 1}` : '';
  return { file, name: `${frame.functionName || '(anonymous)'} ${file}${line}` };
}

const byFile = new Map<string, number>();
const byFunction = new Map<string, number>();
/** Inclusive samples per package or folder (each once per sample): what it costs with what it calls. */
const packageInclusive = new Map<string, number>();
const ownInclusive = new Map<string, number>();
let total = 0;
for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const placed = new Map<number, { file: string; name: string }>();
  for (const n of profile.nodes) placed.set(n.id, await place(n.callFrame));
  for (const sample of profile.samples) {
    const self = placed.get(sample);
    if (!self || self.file === '(idle)' || nodes.get(sample)?.callFrame.functionName === '(idle)') continue;
    total++;
    const bucket = self.file.startsWith('src/')
      ? self.file
      : self.file.replace(/^(@[^/]+\/[^/]+|[^@/][^/]*)\/.*$/, '$1');
    byFile.set(bucket, (byFile.get(bucket) ?? 0) + 1);
    byFunction.set(self.name, (byFunction.get(self.name) ?? 0) + 1);
    // Each of the project's own functions on the stack, once per sample.
    const seen = new Set<string>();
    const seenPackages = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = placed.get(id);
      const pkg = frame?.file.replace(/^(@[^/]+\/[^/]+|[^@/(][^/]*)\/.*$/, '$1');
      if (pkg && !seenPackages.has(pkg)) {
        seenPackages.add(pkg);
        packageInclusive.set(pkg, (packageInclusive.get(pkg) ?? 0) + 1);
      }
      if (frame?.file.startsWith('src/') && !seen.has(frame.name)) {
        seen.add(frame.name);
        ownInclusive.set(frame.name, (ownInclusive.get(frame.name) ?? 0) + 1);
      }
    }
  }
}
const share = (n: number) => `${((n / Math.max(1, total)) * 100).toFixed(1)} %`;
console.log(`${total} busy samples\n\nself time by package or folder:`);
for (const [file, n] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${share(n)}  ${file}`);
console.log('\nself time by function:');
for (const [name, n] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${share(n)}  ${name}`);
console.log('\ninclusive time by package or folder:');
for (const [name, n] of [...packageInclusive].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`  ${share(n)}  ${name}`);
console.log('\ninclusive time of the project’s own functions:');
for (const [name, n] of [...ownInclusive].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`  ${share(n)}  ${name}`);
