// npm run openapi:lint: Redocly's recommended rules over both renderings; exits 1 on an error.
import { lintDocument } from '#src/openapi/lint-document.ts';
import { ARTIFACT_FILES } from '#src/openapi/render-artifacts.ts';

let errors = 0;
for (const file of [ARTIFACT_FILES.document, ARTIFACT_FILES.document30]) {
  const problems = await lintDocument(file);
  for (const p of problems) console.log(`${p.severity} ${p.rule} ${p.at ?? ''}: ${p.message}`);
  const found = problems.filter((p) => p.severity === 'error').length;
  errors += found;
  console.log(`${file}: ${found} errors, ${problems.length - found} warnings (Redocly recommended rules)`);
}
process.exit(errors > 0 ? 1 : 0);
