import { type LoadedStack, loadStack, STACK_CACHE_DIR } from '#local/stack/load-stack.ts';
import type { LoadedService } from '#src/declaration/load-services.ts';
import type { FunctionPolicy } from './policy-types.ts';
import type { LocalAccount } from './resolve-intrinsics.ts';

export interface LoadedPolicies {
  readonly byFunction: ReadonlyMap<string, FunctionPolicy>;
  /** True when the stack had to be synthesized (nothing cached for these sources). */
  readonly synthesized: boolean;
}

/** The policies of a stack the local system has read (see local/stack/load-stack.ts). */
export function policiesOf({ stack, synthesized }: LoadedStack): LoadedPolicies {
  return { byFunction: new Map(Object.entries(stack.policies)), synthesized };
}

/**
 * Each function's policy as the CDK app synthesizes it (cdk.json's context), read from the stack
 * cache: the one synthesis the whole local system shares, redone only when its inputs change.
 *
 * @example
 * const { byFunction } = await loadFunctionPolicies(services, { region: 'us-east-1', accountId: LOCAL_ACCOUNT_ID });
 */
export async function loadFunctionPolicies(
  services: readonly LoadedService[],
  account: LocalAccount,
  cacheDir: string = STACK_CACHE_DIR,
): Promise<LoadedPolicies> {
  return policiesOf(await loadStack(services, { account }, cacheDir));
}
