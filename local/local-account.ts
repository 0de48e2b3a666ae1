// The one AWS account the local system pretends to be. Every ARN it writes (a function's, a
// table's, a role's in an IAM denial) and every event's `requestContext.accountId` carry it, so
// a local ARN is recognisable at a glance and never mistaken for, or matched against, a real one.

/** The fake account id of every local ARN: twelve zeros, as other AWS emulators use. */
export const LOCAL_ACCOUNT_ID = '000000000000';
