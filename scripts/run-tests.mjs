// Runs every *.test.ts under src/, local/, infra/, services/, client/, cli/ and test/ with Node's test runner.
// Node 20's runner takes no glob patterns, so the files are listed here. The DynamoDB Local
// suites need a JDK 17+: without one the suite is left out with a notice, except in CI, where
// leaving it out is an error.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const roots = ['src', 'local', 'infra', 'services', 'client', 'cli', 'test'];
const skipDirs = new Set(['node_modules', 'tmp', 'fixtures', 'test-handlers']);
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipDirs.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.test.ts')) files.push(full);
  }
};
for (const root of roots) {
  try {
    walk(root);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}

// DynamoDB Local's loopback launcher is compiled, so it needs a JDK: Java 17+ with jdk.compiler.
const modules = spawnSync('java', ['--list-modules'], { encoding: 'utf8' });
const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
const hasJava =
  /version "(1[7-9]|[2-9]\d)/.test(`${version.stderr ?? ''}${version.stdout ?? ''}`) &&
  /^jdk\.compiler@/m.test(modules.stdout ?? '');
const needsJava = (file) => file.includes('dynamodb-local');
if (!hasJava) {
  if (process.env.CI === 'true') {
    console.error('CI needs a JDK 17+ to run the DynamoDB Local suites.');
    process.exit(1);
  }
  console.log('No JDK 17+ found: the DynamoDB Local suites are left out (the dynalite suites still run).');
}

const filter = process.argv.slice(2);
const selected = files
  .filter((f) => hasJava || !needsJava(f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...selected],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
