// Its init and each invocation are held until the test lets them go: the module writes `started`
// in HOLD_DIR as it loads and waits for `release`; an invocation writes `invoked` and waits for
// `answer`.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.HOLD_DIR ?? '';
const until = async (file) => {
  while (!existsSync(path.join(dir, file))) await new Promise((resolve) => setTimeout(resolve, 10));
};

writeFileSync(path.join(dir, 'started'), String(process.pid));
await until('release');

export const handler = async () => {
  writeFileSync(path.join(dir, 'invoked'), String(process.pid));
  await until('answer');
  return { pid: process.pid };
};
