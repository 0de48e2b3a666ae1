// The document checked by a validator no one here wrote: Redocly's, with its recommended rules.
import { createConfig, lint } from '@redocly/openapi-core';

/** Lints an OpenAPI file with Redocly's `recommended` ruleset; returns every problem found. */
export async function lintDocument(file: string) {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lint({ ref: file, config });
  return problems.map((problem) => ({
    severity: problem.severity,
    rule: problem.ruleId,
    message: problem.message,
    at: problem.location[0]?.pointer,
  }));
}
