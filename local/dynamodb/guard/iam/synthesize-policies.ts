// Each function role's inline policy as the synthesized template holds it: one reading of the
// stack the local system synthesizes once for all its parts (local/stack/synthesize-stack.ts).
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { FunctionPolicy } from './policy-types.ts';
import type { LocalAccount } from './resolve-intrinsics.ts';

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
  const { synthesizeStack } = await import('#local/stack/synthesize-stack.ts');
  return { ...(await synthesizeStack(services, { account })).policies };
}
