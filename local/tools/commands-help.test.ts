// Every command answers --help (exit 0, its usage with every option and an example, nothing
// written) and refuses an unknown option with one line that names the option meant.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Command } from 'commander';
import { tokenCommand } from '#local/auth/token-command.ts';
import { startCommand } from '#local/cli-options.ts';
import { invokeCommand } from '#local/invoke/invoke-command.ts';
import { logsCommand } from '#local/logs/logs-command.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

interface Ended {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command's entry point as npm would, in the project root, with `env` added. */
function run(entry: readonly string[], args: readonly string[], env: Record<string, string>): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', ...entry, ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Each file under a folder with its size and modification time: what "untouched" means here. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      const stats = statSync(file);
      return `${file} ${stats.size} ${stats.mtimeMs}`;
    })
    .sort();
}

/** The long flags a commander command declares. */
const flagsOf = (command: Command) => command.options.map((option) => option.long ?? '');

const COMMANDS: readonly {
  readonly name: string;
  readonly entry: readonly string[];
  readonly flags: readonly string[];
  /** Arguments with one misspelt option, and the option meant ('' when the command names none). */
  readonly misspelt: readonly [readonly string[], string];
}[] = [
  {
    name: 'npm start',
    entry: ['local/cli.ts'],
    flags: flagsOf(startCommand()),
    misspelt: [['--dat-dir'], '--data-dir'],
  },
  {
    name: 'npm run logs',
    entry: ['local/logs-cli.ts'],
    flags: flagsOf(logsCommand()),
    misspelt: [['--levle'], '--level'],
  },
  {
    name: 'npm run token',
    entry: ['local/token-cli.ts'],
    flags: flagsOf(tokenCommand()),
    misspelt: [['--groups'], '--group'],
  },
  {
    name: 'npm run invoke',
    entry: ['local/invoke-cli.ts'],
    flags: flagsOf(invokeCommand()),
    misspelt: [['--evnt'], '--event'],
  },
  {
    name: 'npm run cli',
    entry: ['cli/main.ts'],
    flags: ['--url', '--data-dir', '--token', '--output'],
    misspelt: [['--ulr'], '--url'],
  },
  {
    name: 'npm run cli -- products create',
    entry: ['cli/main.ts', 'products', 'create'],
    flags: ['--name', '--price'],
    misspelt: [['--name', 'Pen', '--price', '2', '--tagz', 'a'], '--tags'],
  },
  {
    name: 'npm run bench',
    entry: ['bench/run.ts'],
    flags: ['--quick', '--runtimes', '--cold-start-only'],
    misspelt: [['--quik'], ''],
  },
  { name: 'npm run openapi', entry: ['scripts/openapi.ts'], flags: [], misspelt: [['--check'], ''] },
];

describe('--help of every command', () => {
  let dataDir: string;
  let docsBefore: string[];
  before(async () => {
    // A data folder that does not exist: a command that made anything would make it.
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), 'sm-help-')), 'data');
    docsBefore = snapshot(path.join(PROJECT_ROOT, 'docs'));
  });
  after(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  test('npm start refuses a fault scope that names no function or table, naming those there are', async () => {
    const ended = await run(['local/cli.ts'], ['--faults', 'throttle=5%@products-gte'], {
      DATA_DIR: dataDir,
    });
    assert.equal(ended.code, 2);
    assert.match(
      ended.stderr,
      /^npm start: Fault scope "products-gte" names no function or table; the functions are .*products-get.*table:products/,
    );
    assert.equal(ended.stderr.trim().split('\n').length, 1, 'one line');
    assert.equal(existsSync(dataDir), false, 'nothing started');
  });

  for (const command of COMMANDS) {
    test(`${command.name} -- --help prints its usage, every option and an example, and changes nothing`, async () => {
      const ended = await run(command.entry, ['--help'], { DATA_DIR: dataDir });
      assert.equal(ended.code, 0, ended.stderr);
      assert.match(ended.stdout, /Usage: /);
      assert.match(ended.stdout, /Example/);
      for (const flag of command.flags)
        assert.ok(ended.stdout.includes(flag), `${flag} in:\n${ended.stdout}`);
      assert.equal(existsSync(dataDir), false, 'no data folder made');
      assert.deepEqual(snapshot(path.join(PROJECT_ROOT, 'docs')), docsBefore, 'docs/ untouched');
    });

    test(`${command.name} refuses an unknown option, naming it`, async () => {
      const [args, meant] = command.misspelt;
      const wrong = args.find((arg) => !command.flags.includes(arg) && arg.startsWith('--')) ?? '';
      const ended = await run(command.entry, args, { DATA_DIR: dataDir });
      assert.notEqual(ended.code, 0);
      assert.ok(ended.stderr.includes(wrong), ended.stderr);
      if (meant) assert.ok(ended.stderr.includes(`Did you mean ${meant}?`), ended.stderr);
      assert.equal(existsSync(dataDir), false, 'no data folder made');
    });
  }
});
