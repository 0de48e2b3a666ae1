// npm run openapi:lint: Redocly's recommended rules over docs/openapi.json; exits 1 on an error.

import { lintDocument } from '#src/openapi/lint-document.ts';
import { ARTIFACT_FILES } from '#src/openapi/render-artifacts.ts';

const problems = await lintDocument(ARTIFACT_FILES.document);
for (const p of problems) console.log(`${p.severity} ${p.rule} ${p.at ?? ''}: ${p.message}`);
const errors = problems.filter((p) => p.severity === 'error').length;
console.log(
  `${ARTIFACT_FILES.document}: ${errors} errors, ${problems.length - errors} warnings (Redocly recommended rules)`,
);
process.exit(errors > 0 ? 1 : 0);
