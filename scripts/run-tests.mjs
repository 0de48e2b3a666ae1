// Runs every *.test.ts under src/, local/, infra/, services/, client/, cli/, test/ and scripts/ with Node's test runner,
// one file at a time, each in a process of its own that cannot hold the run up:
// - every test has a default timeout (SM_TEST_TIMEOUT_S, 120 s; a test may set its own), see
//   scripts/test-timeouts.mjs;
// - every file has a bound (SM_TEST_FILE_TIMEOUT_S, 600 s): a file still running then is ended
//   with its process group and reported as failed, by name;
// - a file's process exits once its tests are done (--test-force-exit), and anything a test left
//   open (a server, a child process, a worker) fails that file by name (scripts/test-leaks.mjs).
// The DynamoDB Local suites need a JDK 17+: without one they are left out with a notice, except in
// CI, where leaving them out is an error. Arguments select files by a part of their path.
// `--deployed-node` runs them on the Node.js major the stack deploys instead (the platform
// package's binary, see local/lambda/deployed-runtime.ts): CI runs the suite on both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROWSER_HINT, findChromium } from './find-browser.mjs';

if (process.argv.includes('--deployed-node')) {
  const found = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "const { resolveDeployedNode } = await import('./local/lambda/deployed-runtime.ts'); console.log(JSON.stringify(resolveDeployedNode()));",
    ],
    { encoding: 'utf8' },
  );
  if (found.status !== 0) {
    console.error(`Could not tell which Node.js the stack deploys:\n${found.stderr}`);
    process.exit(1);
  }
  const node = JSON.parse(found.stdout);
  if (node.source === 'emulated') {
    console.error(`No Node.js ${node.major} here (${node.emulated.reason}); to get it: ${node.emulated.fix}`);
    process.exit(1);
  }
  const rest = process.argv.slice(2).filter((arg) => arg !== '--deployed-node');
  console.log(`Running the tests on Node.js ${node.version} (${node.from}), as ${node.runtime} deploys`);
  const run = spawnSync(node.execPath, [fileURLToPath(import.meta.url), ...rest], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const FILE_TIMEOUT_S = Number(process.env.SM_TEST_FILE_TIMEOUT_S ?? 600);
const roots = ['src', 'local', 'infra', 'services', 'client', 'cli', 'test', 'scripts'];
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

// DynamoDB Local needs Java 17+; a JRE is enough (its loopback launcher is committed compiled).
const version = spawnSync('java', ['-version'], { encoding: 'utf8' });
const hasJava = /version "(1[7-9]|[2-9]\d)/.test(`${version.stderr ?? ''}${version.stdout ?? ''}`);
const needsJava = (file) => file.includes('dynamodb-local');
if (!hasJava) {
  if (process.env.CI === 'true') {
    console.error('CI needs Java 17+ to run the DynamoDB Local suites.');
    process.exit(1);
  }
  console.log('No Java 17+ found: the DynamoDB Local suites are left out (the dynalite suites still run).');
}

// The browser tests (test/browser/) need Chromium: without it they are left out with one line
// saying how to enable them, except in CI, where leaving them out is an error.
const hasBrowser = findChromium() !== undefined;
const needsBrowser = (file) => /(^|\/)browser\//.test(file.split(path.sep).join('/'));
if (!hasBrowser) {
  if (process.env.CI === 'true') {
    console.error(`CI needs Chromium to run the browser tests: ${BROWSER_HINT}.`);
    process.exit(1);
  }
  console.log(`No Chromium found: the browser tests are left out; to run them, ${BROWSER_HINT}.`);
}

// A part of a path selects among the files found; a path to a test file runs that file, even
// one among the fixtures (scripts/run-tests.test.ts runs the runner on its own fixtures).
const filter = process.argv.slice(2);
const named = filter
  .filter((arg) => arg.endsWith('.test.ts') && existsSync(arg))
  .filter((f) => hasBrowser || !needsBrowser(f));
const selected = [
  ...named,
  ...files
    .filter((f) => hasJava || !needsJava(f))
    .filter((f) => hasBrowser || !needsBrowser(f))
    .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
    .filter((f) => !named.includes(f)),
].sort();

if (selected.length === 0) {
  console.error(`No test file matches ${filter.join(', ')}`);
  process.exit(1);
}

const COUNTS = ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];
const totals = Object.fromEntries(COUNTS.map((name) => [name, 0]));
const failedFiles = [];
const timedOutTests = [];
let unexplained = 0;
const started = Date.now();

/** Runs one file; resolves with its counts and how it ended, after echoing its output. */
function runFile(file) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './scripts/test-timeouts.mjs',
        '--import',
        './scripts/test-leaks.mjs',
        // Code under test runs with the deployed runtime's (Node.js 24) JSON.parse.
        '--import',
        './local/lambda/node24-features.ts',
        '--test',
        '--test-force-exit',
        '--test-reporter=spec',
        file,
      ],
      // Its own process group, so that a file past its bound is ended with everything it started.
      { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    const counts = {};
    const timeouts = new Set();
    let leaked = false;
    let lastLine = '';
    const read = (stream, sink) => {
      let pending = '';
      stream.on('data', (chunk) => {
        sink.write(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          const count = /^ℹ (\w+) (\d+)$/.exec(line);
          if (count && COUNTS.includes(count[1])) counts[count[1]] = Number(count[2]);
          else if (/handle\(s\) left open after this file's tests/.test(line)) leaked = true;
          else if (/^\s*[✔✖]/.test(line)) lastLine = line.trim();
          else if (/test timed out after \d+ms/.test(line))
            timeouts.add(lastLine.replace(/ \([\d.]+ms\)$/, ''));
        }
      });
    };
    read(child.stdout, process.stdout);
    read(child.stderr, process.stderr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, FILE_TIMEOUT_S * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ counts, code, signal, timedOut, lastLine, timeouts, leaked });
    });
  });
}

for (const file of selected) {
  const { counts, code, signal, timedOut, lastLine, timeouts, leaked } = await runFile(file);
  for (const name of COUNTS) totals[name] += counts[name] ?? 0;
  for (const name of timeouts) timedOutTests.push(`${file} › ${name.replace(/^✖ /, '')}`);
  if (timedOut) {
    const after = lastLine ? `; the last test to finish was: ${lastLine}` : '';
    console.log(`\n✖ ${file} was still running after ${FILE_TIMEOUT_S} s and was ended${after}`);
    failedFiles.push(`${file} (timed out after ${FILE_TIMEOUT_S} s)`);
    unexplained += 1;
  } else if (code !== 0) {
    failedFiles.push(`${file} (${leaked ? 'left something open' : (signal ?? `exit code ${code}`)})`);
    // A file can fail with no failing test: something left open, a crash outside any test.
    if (!counts.fail && !counts.cancelled) unexplained += 1;
  }
}

// Node 20 counts a test that timed out as cancelled; both are failures here.
const failed = totals.fail + totals.cancelled + unexplained;
console.log(`\n══ ${selected.length} test files in ${Math.round((Date.now() - started) / 1000)} s`);
for (const name of COUNTS) console.log(`ℹ ${name} ${totals[name]}`);
if (failedFiles.length > 0) {
  console.log('\n✖ failing files:');
  for (const file of failedFiles) console.log(`  ${file}`);
}
if (timedOutTests.length > 0) {
  console.log('\n✖ tests that timed out:');
  for (const name of timedOutTests) console.log(`  ${name}`);
}
console.log(`${totals.pass} passed, ${failed} failed, ${totals.skipped} skipped`);
process.exit(failedFiles.length > 0 || failed > 0 ? 1 : 0);
