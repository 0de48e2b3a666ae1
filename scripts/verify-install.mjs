// Proves that the dependencies with native parts work although npm 11 ran none of their
// install scripts (package.json "allowScripts" denies them): esbuild's platform binary,
// classic-level's prebuilt LevelDB binding (dynalite's on-disk store), and the Node.js binary of
// the deployed major (the platform package, which has no install script either) that runs the
// functions. Run with tsx (`node --import tsx scripts/verify-install.mjs`): it reads the stack's
// runtime from the TypeScript that declares it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { build } from 'esbuild';
import { describeDeployedNode, resolveDeployedNode } from '../local/lambda/deployed-runtime.ts';

const bundled = await build({ stdin: { contents: 'export const ok = 1 + 1;' }, write: false, minify: true });
console.log(`esbuild ${bundled.outputFiles[0].text.trim()} — ok`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'verify-level-'));
const db = new ClassicLevel(dir);
await db.put('key', 'value');
const value = await db.get('key');
await db.close();
rmSync(dir, { recursive: true, force: true });
if (value !== 'value') throw new Error('classic-level did not read back what it wrote');
console.log('classic-level (LevelDB prebuild) — ok');

// The stack's runtime decides the major; an installed package of another major names the fix.
const node = resolveDeployedNode();
if (node.emulated)
  throw new Error(`No Node.js ${node.major} to run the functions: ${describeDeployedNode(node)}`);
const reported = execFileSync(node.execPath, ['-p', 'process.version + " " + typeof Promise.try'], {
  encoding: 'utf8',
}).trim();
if (reported !== `${node.version} function`)
  throw new Error(`${node.execPath} answered "${reported}", not ${node.version} with Promise.try`);
console.log(`${describeDeployedNode(node)}: ${node.execPath} — ok`);
