// Proves that the dependencies with native parts work although npm 11 ran none of their
// install scripts (package.json "allowScripts" denies them): esbuild's platform binary and
// classic-level's prebuilt LevelDB binding (dynalite's on-disk store).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClassicLevel } from 'classic-level';
import { build } from 'esbuild';

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
