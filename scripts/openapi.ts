// npm run openapi: writes docs/openapi.json and client/schema.d.ts from the declarations.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACT_FILES, renderArtifacts } from '#src/openapi/render-artifacts.ts';

const rendered = await renderArtifacts();
for (const [name, file] of Object.entries(ARTIFACT_FILES)) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, rendered[name as keyof typeof ARTIFACT_FILES]);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
