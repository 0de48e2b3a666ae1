import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from '#src/declaration/load-services.ts';

/** The number of optional fields the throwaway `gadgets` service declares (`f0` … `f19`). */
export const GADGET_FIELDS = 20;

/**
 * Writes a new microservice declaration — one file, nothing else — into a fresh folder under
 * `test/tmp/`, exactly as a user would add one to `services/`.
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
    "import { defineCrudResource } from '../../../src/declaration/crud-resource.ts';",
    '',
    'export default defineCrudResource({',
    "  name: 'gadgets',",
    '  item: z.strictObject({',
    '    label: z.string().min(1),',
    ...fields,
    '  }),',
    '});',
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'gadgets.ts'), source);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
