// The identifiers API Gateway stamps on requests, in the formats AWS uses, e.g. requestId
// `f88e38e3-2060-4a56-93c0-9efbc6a659a0`, extendedRequestId `ZhDrKF5dDoEEHfA=`, apiId `puhdx84jy9`.
import { createHash, randomUUID } from 'node:crypto';
import { pooledRandomBytes } from '#src/domain/random-pool.ts';

/** Identifiers API Gateway gives one request; the response headers repeat them. */
export interface RequestIds {
  /** `requestContext.requestId` and the `x-amzn-RequestId` response header: a UUID. */
  readonly requestId: string;
  /** `requestContext.extendedRequestId` and the `x-amz-apigw-id` response header, e.g. `ZhDrKF5dDoEEHfA=`. */
  readonly extendedRequestId: string;
  /** X-Ray trace header, e.g. `Root=1-66704cad-0fbaf1491365339d168b2a7d`. */
  readonly traceId: string;
}

/** Identifiers of the local API and of its current deployment. */
export interface ApiIds {
  readonly apiId: string;
  readonly deploymentId: string;
}

/** Fresh identifiers for one request; `clientTraceId` continues a trace the client started. */
export function newRequestIds(now: Date, clientTraceId?: string): RequestIds {
  const epochHex = Math.floor(now.getTime() / 1000)
    .toString(16)
    .padStart(8, '0');
  return {
    requestId: randomUUID(),
    extendedRequestId: pooledRandomBytes(11).toString('base64'),
    traceId: clientTraceId ?? `Root=1-${epochHex}-${pooledRandomBytes(12).toString('hex')}`,
  };
}

/** Identifiers for a started gateway: a stable API id and a new deployment id per start, as a redeploy gives. */
export function newApiIds(): ApiIds {
  return { apiId: stableId('local-rest-api', 10), deploymentId: stableId(randomUUID(), 6) };
}

const resourceIds = new Map<string, string>();

/** The id of a resource: six characters, the same for the same template every time (kept, not hashed per request). */
export function resourceIdOf(template: string): string {
  let id = resourceIds.get(template);
  if (id === undefined) {
    id = stableId(`resource:${template}`, 6);
    resourceIds.set(template, id);
  }
  return id;
}

// Lower-case alphanumerics like AWS's ids (`puhdx84jy9`, `3nq1cq`), stable for the same seed.
function stableId(seed: string, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join('');
}
