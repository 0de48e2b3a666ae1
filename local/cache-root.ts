import path from 'node:path';

/**
 * Where the local system keeps, between starts, what it can always make again: the class data
 * archive of DynamoDB Local's JVM, the policies synthesized from the CDK app, the bundles of the
 * last build. Inside node_modules, so it is git-ignored and goes with a clean install.
 */
export const LOCAL_CACHE_ROOT = path.resolve(
  import.meta.dirname,
  '..',
  'node_modules',
  '.cache',
  'serverless-microservices',
);

/** The bundles `npm start` served last, for each set of declarations (local/build/bundle-cache.ts). */
export const BUNDLE_CACHE_DIR = path.join(LOCAL_CACHE_ROOT, 'bundles');
