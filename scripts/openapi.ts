// npm run openapi: writes docs/openapi.json and client/schema.d.ts from the declarations.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACT_FILES, renderArtifacts } from '#src/openapi/render-artifacts.ts';

const USAGE = `Usage: npm run openapi [-- --help]

Writes the OpenAPI documents and the typed client's types from the declarations in services/:
${Object.values(ARTIFACT_FILES)
  .map((file) => `  ${path.relative(process.cwd(), file)}`)
  .join('\n')}
It takes no options; run it after changing a declaration (npm test fails on a stale document).

Example: npm run openapi && git diff --stat docs/ client/`;

const args = process.argv.slice(2);
if (args.length > 0) {
  const help = args.every((arg) => arg === '--help' || arg === '-h');
  (help ? console.log : console.error)(help ? USAGE : `Unknown option ${args.join(' ')}\n\n${USAGE}`);
  process.exit(help ? 0 : 2);
}

const rendered = await renderArtifacts();
for (const [name, file] of Object.entries(ARTIFACT_FILES)) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, rendered[name as keyof typeof ARTIFACT_FILES]);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
