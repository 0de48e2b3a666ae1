// `cdk synth|deploy|diff` entry (cdk.json): bundles every declared function, then synthesizes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleAll } from '#src/build/bundle-function.ts';
import { loadServices } from '#src/declaration/load-services.ts';
import { buildApp } from './build-app.ts';

const services = await loadServices();
// The bundles only need to live until synthesis has copied them into the cloud assembly.
const bundleDir = await mkdtemp(path.join(tmpdir(), 'serverless-microservices-bundles-'));
try {
  const bundles = await bundleAll(services, bundleDir);
  buildApp({ services, bundles, env: process.env }).app.synth();
} finally {
  await rm(bundleDir, { recursive: true, force: true });
}
