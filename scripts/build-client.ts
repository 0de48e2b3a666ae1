// `npm run build:client`: the typed client as an installable package (see docs/client.md).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildClientPackage, CLIENT_PACKAGE_DIR, CLIENT_PACKAGE_NAME } from './client-package.ts';

const USAGE = `Usage: npm run build:client [-- --out <dir>]

Builds the typed client (client/) into an installable package, ${CLIENT_PACKAGE_NAME}: ESM
JavaScript with .d.ts declarations, for Node.js 20+ and browser bundlers.

  --out <dir>   the folder to build in (emptied first; default ${path.relative(process.cwd(), CLIENT_PACKAGE_DIR)})
  --help        this text

Example: npm run build:client && npm pack ./client/dist`;

let values: { out?: string; help?: boolean };
try {
  ({ values } = parseArgs({ options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const dir = await buildClientPackage(values.out ? path.resolve(values.out) : undefined);
console.log(`built ${CLIENT_PACKAGE_NAME} in ${path.relative(process.cwd(), dir)}`);
