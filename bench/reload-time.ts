// Reload-to-served time: a handler of a temporary service is edited while the local system runs
// the project's own services beside it, and the time until the first response from the new code
// is measured. The edit reaches one bundle and no declaration, so one bundle is rebuilt and the
// declarations are not read again; the project's functions stay in the build, as in a real edit.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineName } from '#local/dynamodb/engines/engine.ts';
import { startLocalSystem } from '#local/start-local-system.ts';
import { DEFAULT_SERVICES_DIR, PROJECT_ROOT } from '#src/declaration/load-services.ts';

const handler = (word: string) =>
  `export function makeHandler() {\n  return async () => ({ statusCode: 200, body: '${word}' });\n}\n`;

/** Milliseconds from saving an edited handler to its first response, once per `runs`. */
export async function measureReload(engine: EngineName, runs: number): Promise<number[]> {
  await mkdir(path.join(PROJECT_ROOT, 'test', 'tmp'), { recursive: true });
  const dir = await mkdtemp(path.join(PROJECT_ROOT, 'test', 'tmp', 'bench-reload-'));
  const servicesDir = path.join(dir, 'services');
  await mkdir(servicesDir);
  const handlerFile = path.join(dir, 'say.ts');
  await writeFile(handlerFile, handler('v0'));
  await writeFile(
    path.join(servicesDir, 'say.ts'),
    `import { allow } from '#src/declaration/access.ts';
import { defineService } from '#src/declaration/define-service.ts';
export default defineService({ name: 'say', table: { name: 'say', partitionKey: 'id' },
  functions: [{ name: 'say', method: 'GET', path: '/say', handler: '${path.relative(PROJECT_ROOT, handlerFile)}', actions: [], access: allow.public() }] });
`,
  );
  const system = await startLocalSystem({
    port: 0,
    engine,
    dataDir: dir,
    inMemory: true,
    logLevel: 'WARN',
    logSink: { write: () => {} },
    servicesDirs: [DEFAULT_SERVICES_DIR, servicesDir],
    onReload: () => {},
  });
  try {
    const times: number[] = [];
    for (let run = 1; run <= runs; run++) {
      await (await fetch(`${system.url}/say`)).text();
      const started = performance.now();
      await writeFile(handlerFile, handler(`v${run}`));
      while ((await (await fetch(`${system.url}/say`)).text()) !== `v${run}`) {
        if (performance.now() - started > 30_000) throw new Error('the edit was not served within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      times.push(Math.round(performance.now() - started));
    }
    return times;
  } finally {
    await system.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
