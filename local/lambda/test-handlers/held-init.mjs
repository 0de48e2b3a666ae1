// Its init is held until the test lets it go: it writes `started` in HOLD_DIR as its module
// loads, then waits for `release` to appear there.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.HOLD_DIR ?? '';
writeFileSync(path.join(dir, 'started'), String(process.pid));
while (!existsSync(path.join(dir, 'release'))) await new Promise((resolve) => setTimeout(resolve, 10));

export const handler = async () => ({ pid: process.pid });
