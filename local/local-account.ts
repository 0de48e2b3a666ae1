// The one AWS account and region the local system plays: function ARNs, the gateway's events, the
// IAM guard's table ARNs and the SDK clients all name these.

/** The region local ARNs and clients use unless the external engine's `AWS_REGION` says otherwise. */
export const LOCAL_REGION = 'us-east-1';
/** The account id in every local ARN (the all-zero id DynamoDB Local's tooling uses too). */
export const LOCAL_ACCOUNT_ID = '000000000000';
