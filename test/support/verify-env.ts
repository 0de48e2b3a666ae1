/** How `npm run verify` (scripts/verify.ts) hands its target to test/integration/verify-target.ts. */
export const VERIFY_ENV = { url: 'SM_VERIFY_URL', token: 'SM_VERIFY_TOKEN' } as const;
