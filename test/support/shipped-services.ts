// The services this repository ships. A suite that lists or counts services, functions or tables
// reads these, so that a service a user adds to `services/` (as docs/services.md shows) does not
// fail it: `npm test` then passes, or fails only on the stale OpenAPI document.
import path from 'node:path';
import { DEFAULT_SERVICES_DIR, type LoadedService, loadServices } from '#src/declaration/load-services.ts';

/** The declaration files in `services/` this repository ships. */
export const SHIPPED_SERVICE_FILES: readonly string[] = ['dynamodb-manager.ts', 'orders.ts', 'products.ts'];

/** The shipped declarations, in the order `loadServices` gives them. */
export async function loadShippedServices(): Promise<LoadedService[]> {
  const shipped = (await loadServices()).filter(
    ({ file }) =>
      path.dirname(file) === DEFAULT_SERVICES_DIR && SHIPPED_SERVICE_FILES.includes(path.basename(file)),
  );
  if (shipped.length !== SHIPPED_SERVICE_FILES.length)
    throw new Error(`services/ should declare ${SHIPPED_SERVICE_FILES.join(', ')}`);
  return shipped;
}
