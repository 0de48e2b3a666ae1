import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LOCAL_ACCOUNT_ID } from '#local/local-account.ts';
import { DEFAULT_SERVICES_DIR, loadServices } from '#src/declaration/load-services.ts';
import { writeThrowawayService } from '../../../../test/support/throwaway-service.ts';
import { loadFunctionPolicies } from './load-policies.ts';

const account = { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID };

test('synthesizes once, then reads the policies from the cache until a declaration changes', async () => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'sm-iam-cache-'));
  const throwaway = await writeThrowawayService();
  try {
    const shipped = await loadServices();
    const first = await loadFunctionPolicies(shipped, account, cacheDir);
    assert.equal(first.synthesized, true);
    const second = await loadFunctionPolicies(shipped, account, cacheDir);
    assert.equal(second.synthesized, false);
    assert.deepEqual([...second.byFunction], [...first.byFunction]);
    // One more declaration file is a different set of sources: synthesized again, and it has its roles.
    const grown = await loadFunctionPolicies(
      await loadServices([DEFAULT_SERVICES_DIR, throwaway.dir]),
      account,
      cacheDir,
    );
    assert.equal(grown.synthesized, true);
    assert.ok(grown.byFunction.has('gadgets-create'));
    assert.equal((await readdir(cacheDir)).filter((f) => f.endsWith('.json')).length, 2);
  } finally {
    await throwaway.remove();
    await rm(cacheDir, { recursive: true, force: true });
  }
});
