// The deployed runtime, named once: the CDK stack deploys it (infra/service-function.ts) and the
// local Lambda service presents itself as it (`AWS_EXECUTION_ENV`, the rules of its runtime).

/** Lambda's identifier of the Node.js runtime every function deploys on. */
export const LAMBDA_NODEJS_RUNTIME = 'nodejs24.x';

/** `AWS_EXECUTION_ENV` as Lambda sets it for {@link LAMBDA_NODEJS_RUNTIME}. */
export const LAMBDA_EXECUTION_ENV = `AWS_Lambda_${LAMBDA_NODEJS_RUNTIME}`;
