import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { buildApp } from '#infra/build-app.ts';
import { cdkJsonContext } from '#infra/cdk-json.ts';
import type { Bundle } from '#src/build/bundle-function.ts';
import { LOCAL_IDEMPOTENCY_TABLE } from '#src/declaration/idempotency.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { FunctionPolicy, PolicyStatement } from './policy-types.ts';
import { type LocalAccount, resolveIntrinsics, type TemplateResources } from './resolve-intrinsics.ts';

/**
 * The inline policies of every declared function's role, exactly as `cdk synth` writes them
 * (the cdk.json context, the default settings), resolved for `account`.
 *
 * @example
 * const policies = await synthesizePolicies(await loadServices(), { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID });
 */
export async function synthesizePolicies(
  services: readonly LoadedService[],
  account: LocalAccount,
): Promise<Record<string, FunctionPolicy>> {
  // Policies do not depend on the code: every function's asset is one empty folder.
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'sm-iam-synth-'));
  const emptyAsset = path.join(scratch, 'asset');
  try {
    await mkdir(emptyAsset);
    const bundles: Bundle[] = services.flatMap(({ service }) =>
      service.functions.map((fn) => ({ functionName: fn.name, dir: emptyAsset, file: '', bytes: 0 })),
    );
    const context = cdkJsonContext();
    const { app, stack } = buildApp({
      services,
      bundles,
      context,
      env: {},
      outdir: path.join(scratch, 'cdk.out'),
      builtinCloudFormationValidation: false,
    });
    const template = app.synth().getStackArtifact(stack.artifactId).template as {
      Resources: TemplateResources;
    };
    const tableNames = new Map<string, string>();
    for (const { service } of services) {
      const table = stack.tables.get(service.name);
      if (table)
        tableNames.set(stack.getLogicalId(table.node.defaultChild as CfnElement), service.table.name);
    }
    if (stack.idempotencyTable) {
      tableNames.set(
        stack.getLogicalId(stack.idempotencyTable.node.defaultChild as CfnElement),
        LOCAL_IDEMPOTENCY_TABLE,
      );
    }
    const policies: Record<string, FunctionPolicy> = {};
    for (const [name, deployed] of stack.functions) {
      const roleId = stack.getLogicalId(deployed.role.node.defaultChild as CfnElement);
      const role = template.Resources[roleId];
      const documents = (role?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: unknown[] } }[];
      const statements = documents.flatMap((p) =>
        p.PolicyDocument.Statement.map(
          (s) =>
            resolveIntrinsics(s, {
              resources: template.Resources,
              tableNames,
              functionName: name,
              account,
            }) as PolicyStatement,
        ),
      );
      policies[name] = { functionName: name, roleName: roleId, statements };
    }
    return policies;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
