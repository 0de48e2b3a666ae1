// npm run openapi: writes docs/openapi.json and client/schema.d.ts from the declarations.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { parseCommandLine } from '#local/tools/command-line.ts';
import { ARTIFACT_FILES, renderArtifacts } from '#src/openapi/render-artifacts.ts';

// The same command-line reading as every other command (commander): --help, and unknown options refused.
const command = new Command('npm run openapi --')
  .usage('[--help]')
  .description(
    `Writes the OpenAPI documents and the typed client's types from the declarations in services/: ${Object.values(
      ARTIFACT_FILES,
    )
      .map((file) => path.relative(process.cwd(), file))
      .join(
        ', ',
      )}. It takes no options; run it after changing a declaration (npm test fails on a stale document).`,
  )
  .helpOption('--help', 'this text')
  .addHelpText('after', '\nExample: npm run openapi && git diff --stat docs/ client/');
try {
  const parsed = parseCommandLine(command, process.argv.slice(2));
  if (parsed.kind === 'help') {
    console.log(parsed.text);
    process.exit(0);
  }
} catch (error) {
  console.error(`npm run openapi: ${(error as Error).message}. See npm run openapi -- --help`);
  process.exit(2);
}

const rendered = await renderArtifacts();
for (const [name, file] of Object.entries(ARTIFACT_FILES)) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, rendered[name as keyof typeof ARTIFACT_FILES]);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
