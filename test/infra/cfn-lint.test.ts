// Runs cfn-lint (AWS's CloudFormation linter) on the synthesized templates, in both deployment
// modes. cfn-lint is a Python tool: where it is not installed the suite says so and checks
// nothing, except in CI (CI=true), which has it and where its absence fails the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Bundled, bundleServices, removeAll, type Synthesized, synthesize } from './synthesize-stack.ts';

/**
 * Warnings the templates are known to raise, each explained in docs/deploy.md ("cfn-lint").
 * Any other warning, and any error, fails the test.
 */
const EXPLAINED_WARNINGS = ['W3005'] as const;

interface Match {
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
}

const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
const installed = version.status === 0;

let bundled: Bundled | undefined;
const synthesized: Synthesized[] = [];

before(async () => {
  if (!installed) return;
  bundled = await bundleServices();
  synthesized.push(await synthesize(bundled));
  synthesized.push(await synthesize(bundled, { context: { ephemeral: 'true', waf: 'false' } }));
});
after(() => removeAll(bundled?.dir, ...synthesized.map((s) => s.outdir)));

describe('cfn-lint', () => {
  test('finds no error in either template, and only the warnings docs/deploy.md explains', async (t) => {
    if (!installed) {
      assert.notEqual(process.env.CI, 'true', 'CI must have cfn-lint installed (pip install cfn-lint)');
      t.diagnostic('cfn-lint is not installed: the templates were not linted (pip install cfn-lint)');
      return;
    }
    t.diagnostic(version.stdout.trim());
    for (const [i, { template, outdir }] of synthesized.entries()) {
      const file = path.join(outdir, `lint-${i}.template.json`);
      await writeFile(file, JSON.stringify(template.toJSON()));
      const run = spawnSync('cfn-lint', ['--format', 'json', '--', file], { encoding: 'utf8' });
      // Exit code bits: 2 errors, 4 warnings, 8 informational; 1 is cfn-lint failing itself.
      assert.equal(run.status !== null && (run.status & 1) === 0, true, run.stderr);
      const matches = JSON.parse(run.stdout || '[]') as Match[];
      const errors = matches.filter((m) => m.Level === 'Error');
      assert.deepEqual(errors, [], 'no errors');
      const unexplained = matches.filter(
        (m) => m.Level !== 'Error' && !(EXPLAINED_WARNINGS as readonly string[]).includes(m.Rule.Id),
      );
      assert.deepEqual(
        unexplained.map((m) => `${m.Rule.Id}: ${m.Message}`),
        [],
        'every warning is explained',
      );
    }
  });
});
