import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildApp } from '#infra/build-app.ts';
import { cdkJsonContext } from '#infra/cdk-json.ts';
import { LOCAL_ACCOUNT_ID } from '#local/dynamodb/guard/iam/resolve-intrinsics.ts';
import { DEFAULT_API_SETTINGS } from '#src/declaration/api-settings.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { stackInputFor } from './load-stack.ts';
import { synthesizeTemplate } from './synthesize-stack.ts';

type Resources = Record<string, { readonly Metadata?: unknown; readonly [key: string]: unknown }>;

/** Resources without their metadata (cdk-nag's acknowledgements, CDK paths): what the local system reads. */
const withoutMetadata = (resources: Resources) =>
  Object.fromEntries(
    Object.entries(resources).map(([id, { Metadata: _, ...resource }]) => [id, resource] as const),
  );

test("the local system's synthesis (no cdk-nag, no stack traces, no tree) gives the resources and properties of the checked app `cdk synth` builds", async () => {
  const services = await loadServices();
  const input = stackInputFor(DEFAULT_API_SETTINGS, 'INFO', 'us-east-1');
  const local = await synthesizeTemplate(
    services,
    { ...input, account: { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID } },
    ({ resources }) => resources as Resources,
  );
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sm-checked-synth-'));
  try {
    const asset = path.join(scratch, 'asset');
    await mkdir(asset);
    const { app, stack } = buildApp({
      services,
      bundles: services.flatMap(({ service }) =>
        service.functions.map((fn) => ({ functionName: fn.name, dir: asset, file: '', bytes: 0 })),
      ),
      context: { ...cdkJsonContext(), ...input.context },
      env: {},
      outdir: path.join(scratch, 'cdk.out'),
      builtinCloudFormationValidation: false,
    });
    const checked = app.synth().getStackArtifact(stack.artifactId).template as {
      Resources: Resources;
    };
    const nagged = (resources: Resources) =>
      Object.values(resources).some((r) => JSON.stringify(r.Metadata ?? {}).includes('cdk_nag'));
    // The checked app's synthesis ran cdk-nag: its acknowledgements are in the metadata left aside.
    assert.equal(nagged(checked.Resources), true);
    assert.equal(nagged(local), false);
    assert.deepEqual(withoutMetadata(local), withoutMetadata(checked.Resources));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});

test('the local synthesis prints no validation report: at WARN the stack warns about its alarms, which `cdk synth` reports and `npm start` has no use for', async (t) => {
  const services = await loadServices();
  const printed: string[] = [];
  t.mock.method(console, 'error', (...args: unknown[]) => {
    printed.push(args.join(' '));
  });
  const input = stackInputFor(DEFAULT_API_SETTINGS, 'WARN', 'us-east-1');
  const count = await synthesizeTemplate(
    services,
    { ...input, account: { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID } },
    ({ resources }) => Object.keys(resources).length,
  );
  assert.ok(count > 0);
  assert.deepEqual(printed, []);
});
