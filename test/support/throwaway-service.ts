import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** The number of optional fields the throwaway `gadgets` service declares (`f0` … `f19`). */
export const GADGET_FIELDS = 20;

/**
 * A second throwaway service, `gizmos`, with nested objects (for merge patches at depth) and
 * fields without size limits (for items as large as DynamoDB allows).
 */
const GIZMOS = `import { z } from 'zod';
import { allow } from '../../../src/declaration/access.ts';
import { defineCrudResource } from '../../../src/declaration/crud-resource.ts';

export default defineCrudResource({
  name: 'gizmos',
  access: { read: allow.signedIn(), write: allow.signedIn() },
  item: z.strictObject({
    label: z.string().min(1),
    size: z.strictObject({ w: z.number(), h: z.number(), unit: z.enum(['cm', 'in']).optional() }).optional(),
    place: z.strictObject({
      city: z.string(),
      geo: z.strictObject({ lat: z.number(), lon: z.number() }).optional(),
    }).optional(),
    notes: z.string().optional(),
    readings: z.array(z.number()).optional(),
  }),
});
`;

/**
 * A third throwaway service, `tickets`: anyone may create one, and only with an Idempotency-Key
 * (the declaration requires it), so that creates without a caller and without a key are tested.
 */
const TICKETS = `import { z } from 'zod';
import { allow } from '../../../src/declaration/access.ts';
import { defineCrudResource } from '../../../src/declaration/crud-resource.ts';

export default defineCrudResource({
  name: 'tickets',
  access: { read: allow.signedIn(), write: allow.signedIn(), create: allow.public() },
  idempotency: 'required',
  item: z.strictObject({ subject: z.string().min(1).max(200) }),
});
`;

/**
 * Writes new microservice declarations — one file each, nothing else — into a fresh folder
 * under `test/tmp/`, exactly as a user would add one to `services/`: `gadgets` (twenty flat
 * optional fields), `gizmos` (nested objects, unbounded sizes) and `tickets` (public creates that require
 * an Idempotency-Key).
 */
export async function writeThrowawayService(): Promise<{ dir: string; remove(): Promise<void> }> {
  const parent = path.join(PROJECT_ROOT, 'test', 'tmp');
  await mkdir(parent, { recursive: true });
  const dir = await mkdtemp(path.join(parent, 'services-'));
  const fields = Array.from(
    { length: GADGET_FIELDS },
    (_, i) => `    f${i}: z.string().max(100).optional(),`,
  );
  const source = [
    "import { z } from 'zod';",
    "import { allow } from '../../../src/declaration/access.ts';",
    "import { defineCrudResource } from '../../../src/declaration/crud-resource.ts';",
    '',
    'export default defineCrudResource({',
    "  name: 'gadgets',",
    '  access: { read: allow.signedIn(), write: allow.signedIn() },',
    '  item: z.strictObject({',
    '    label: z.string().min(1),',
    ...fields,
    '  }),',
    // A string sort key, for the operators numbers do not have (begins_with).
    "  indexes: { byLabel: { partitionKey: 'label', sortKey: 'createdAt' } },",
    '});',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'gadgets.ts'), source);
  await writeFile(path.join(dir, 'gizmos.ts'), GIZMOS);
  await writeFile(path.join(dir, 'tickets.ts'), TICKETS);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
