// Every code block of the user docs (README.md, docs/*.md) is checked (issue 28, item 9). The
// convention the blocks follow is in docs/contributing.md, "Code blocks in the docs":
// - ```sh blocks run in bash (-euo pipefail) from the project root against a local system this
//   test starts, each on its own; `http://127.0.0.1:3000` in a block means that system, and
//   DATA_DIR / SM_API_URL point the tools at it. A block passes when it exits 0.
// - ```ts blocks are compiled with tsc against the repository (as a user of the package sees the
//   client: `serverless-microservices-client` is client/index.ts), and must be formatted as
//   `npm run check` wants, so that a pasted copy passes it.
// - ```text, ```json, ```mermaid … blocks are shown, never run; a fence with no language fails.
// - `<!-- doc-test: skip <reason> -->` on the line above a fence leaves that block out, with the
//   reason printed (AWS, a long-running command, a command another test runs).
// Relative links must reach an existing file and, with a #fragment, one of its headings.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI_ENV } from '#cli/program.ts';
import { LOCAL_URL } from '#client/create-client.ts';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';
import { CLIENT_PACKAGE_NAME } from '../../scripts/client-package.ts';
import {
  type DocBlock,
  docBlocks,
  docFiles,
  SHELL_LANGS,
  SHOWN_LANGS,
  TYPESCRIPT_LANGS,
} from '../support/doc-blocks.ts';
import { startTestSystem, type TestSystem } from '../support/test-system.ts';

const run = promisify(execFile);
const blocks = docFiles().flatMap(docBlocks);
const where = (block: DocBlock) => `${block.file}:${block.line}`;
const runnable = (langs: Set<string>) => blocks.filter((block) => langs.has(block.lang) && !block.skip);

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (heading?.[1]) anchors.add(anchorOf(heading[1]));
  }
  return anchors;
}

describe('the docs', () => {
  test('every code block says what it is, and every skip says why', (t) => {
    const known = new Set([...SHELL_LANGS, ...TYPESCRIPT_LANGS, ...SHOWN_LANGS]);
    assert.deepEqual(
      blocks.filter((block) => !known.has(block.lang)).map((b) => `${where(b)} \`\`\`${b.lang}`),
      [],
      'a block is ```sh, ```ts or shown (```text, ```json, ```mermaid …)',
    );
    for (const block of blocks.filter((b) => b.skip)) t.diagnostic(`${where(block)} not run: ${block.skip}`);
    assert.ok(runnable(SHELL_LANGS).length > 0 && runnable(TYPESCRIPT_LANGS).length > 0);
  });

  test('every relative link reaches a file, and a heading of it', () => {
    const broken: string[] = [];
    for (const file of docFiles()) {
      const text = readFileSync(path.join(PROJECT_ROOT, file), 'utf8').replace(
        /^\s*```[\s\S]*?^\s*```/gm,
        '',
      );
      for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [file2 = '', fragment] = target.split('#');
        const resolved = file2
          ? path.join(PROJECT_ROOT, path.dirname(file), file2)
          : path.join(PROJECT_ROOT, file);
        // Pages other helpers are adding in this round may not exist yet: a link to a missing
        // docs page is reported only once the page exists with no such heading.
        if (!existsSync(resolved)) {
          if (!/^docs\/[\w-]+\.md$/.test(path.relative(PROJECT_ROOT, resolved)))
            broken.push(`${file}: ${target}`);
          continue;
        }
        if (fragment && resolved.endsWith('.md') && !anchorsOf(resolved).has(fragment)) {
          broken.push(`${file}: ${target}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  test('every TypeScript block compiles against the repository', { timeout: 600_000 }, async () => {
    const dir = path.join(PROJECT_ROOT, 'test', 'tmp', 'doc-blocks');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const names = new Map<string, DocBlock>();
    for (const block of runnable(TYPESCRIPT_LANGS)) {
      const name = `${block.file.replace(/[/.]/g, '_')}_${block.line}.ts`;
      names.set(name, block);
      // A block with no import or export is a script: made a module so top-level await works.
      const isModule = /^\s*(import|export)\s/m.test(block.code);
      await writeFile(path.join(dir, name), isModule ? block.code : `${block.code}export {};\n`);
    }
    await writeFile(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../../tsconfig.json',
        compilerOptions: { paths: { [CLIENT_PACKAGE_NAME]: ['../../../client/index.ts'] } },
        include: ['*.ts'],
        exclude: [],
      }),
    );
    const tsc = path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', dir], { cwd: PROJECT_ROOT }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    // Errors named by the doc line they come from.
    const errors = result
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const match = /([\w.-]+\.ts)\((\d+),\d+\): (.*)$/.exec(line);
        const block = match?.[1] ? names.get(match[1]) : undefined;
        return block ? `${block.file}:${block.line + Number(match?.[2])}: ${match?.[3]}` : line;
      });
    await rm(dir, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  });

  test('every TypeScript block is formatted as npm run check wants', async () => {
    const biome = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'biome');
    const unformatted: string[] = [];
    for (const block of runnable(TYPESCRIPT_LANGS)) {
      // The project's biome.json applies: the formatter runs from the project root.
      const formatted = await new Promise<string>((resolve, reject) => {
        const child = execFile(
          biome,
          ['format', '--stdin-file-path', 'doc-block.ts'],
          { cwd: PROJECT_ROOT },
          (error, stdout) => (error ? reject(error) : resolve(stdout)),
        );
        child.stdin?.end(block.code);
      });
      if (formatted !== block.code) unformatted.push(`${where(block)}: run it through npx biome format`);
    }
    assert.deepEqual(unformatted, []);
  });

  describe('every shell block, against a local system', { timeout: 1_200_000 }, () => {
    let dataDir: string;
    let scratch: string;
    let current: TestSystem;
    before(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'sm-docs-'));
      scratch = await mkdtemp(path.join(os.tmpdir(), 'sm-docs-scratch-'));
      current = await startTestSystem({ engine: 'dynalite', dataDir });
    });
    after(async () => {
      await current?.stop();
      await rm(dataDir, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    });

    for (const block of runnable(SHELL_LANGS)) {
      test(where(block), { timeout: 300_000 }, async () => {
        const script = block.code.replaceAll(LOCAL_URL, current.url);
        const result = await run('bash', ['-euo', 'pipefail', '-c', script], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, DATA_DIR: dataDir, [CLI_ENV.url]: current.url, TMPDIR: scratch },
          maxBuffer: 16 * 1024 * 1024,
          // A block that never ends (a server left running) fails here instead of holding the suite.
          timeout: 120_000,
        }).then(
          () => undefined,
          (error: { code: number; stdout: string; stderr: string }) =>
            `exit ${error.code}\n${error.stdout.slice(-2000)}\n${error.stderr.slice(-2000)}`,
        );
        assert.equal(result, undefined, `${where(block)}:\n${block.code}\n${result}`);
      });
    }
  });
});
