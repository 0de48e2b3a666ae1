import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { allow } from '#src/declaration/access.ts';
import { bodyMediaTypes } from '../declaration/api-settings.ts';
import { defineCrudResource } from '../declaration/crud-resource.ts';
import { buildOpenApiDocument } from './build-document.ts';
import { lintDocument } from './lint-document.ts';
import { ARTIFACT_FILES, renderArtifacts, staleArtifacts } from './render-artifacts.ts';

type Operation = {
  operationId: string;
  parameters?: { $ref?: string; name?: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, { $ref?: string; headers?: Record<string, unknown> }>;
};

describe('the OpenAPI document', () => {
  test('is committed as npm run openapi writes it, with the client types generated from it', async () => {
    const stale = await staleArtifacts(await renderArtifacts());
    // One line that names the command, not a diff: what a user who just added a service sees.
    if (stale) assert.fail(stale);
  });

  test('a stale artifact fails with one line naming the command that rewrites it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sm-openapi-'));
    try {
      const files = {
        document: path.join(dir, 'openapi.json'),
        document30: path.join(dir, 'openapi-3.0.json'),
        types: path.join(dir, 'schema.d.ts'),
      };
      const rendered = { document: '{"new":1}\n', document30: '{}\n', types: 'export {};\n' };
      await writeFile(files.document, '{"old":1}\n');
      await writeFile(files.document30, rendered.document30);
      await writeFile(files.types, rendered.types);
      const message = await staleArtifacts(rendered, files);
      assert.ok(message);
      assert.doesNotMatch(message, /\n/);
      assert.match(message, /openapi\.json is out of date .*: run npm run openapi/);
      assert.doesNotMatch(message, /schema\.d\.ts|3\.0/);
      await writeFile(files.document, rendered.document);
      assert.equal(await staleArtifacts(rendered, files), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("passes Redocly's recommended rules without a problem", async () => {
    const problems = await lintDocument(ARTIFACT_FILES.document);
    assert.deepEqual(problems, []);
  });

  test('has an OpenAPI 3.0 rendering for API Gateway import that passes the same rules', async () => {
    const problems = await lintDocument(ARTIFACT_FILES.document30);
    assert.deepEqual(
      problems.filter((p) => p.severity === 'error'),
      [],
    );
    // The one warning: a 3.0 license object wants a URL, and this private project has none.
    assert.deepEqual(
      problems.map((p) => p.rule),
      ['info-license-strict'],
    );
    const text = await readFile(ARTIFACT_FILES.document30, 'utf8');
    assert.match(text, /"openapi": "3\.0\.3"/);
    assert.doesNotMatch(
      text,
      /"type": \[|"const":|"examples":|"type": "null"/,
      'no 3.1-only schema constructs',
    );
  });

  test('describes every route of a resource added as one declaration', async () => {
    const gadgets = defineCrudResource({
      name: 'gadget-parts',
      item: z.strictObject({ label: z.string().min(1), weight: z.number().optional() }),
      access: { read: allow.public(), write: allow.signedIn() },
    });
    const doc = buildOpenApiDocument([gadgets], { version: '1.0.0' });
    const paths = doc.paths as Record<string, Record<string, Operation>>;
    const member = paths['/gadget-parts/{id}'] ?? {};
    assert.deepEqual(
      [...Object.values(paths['/gadget-parts'] ?? {}), ...Object.values(member)]
        .map((op) => op.operationId)
        .sort(),
      [
        'gadgetPartsCreate',
        'gadgetPartsDelete',
        'gadgetPartsGet',
        'gadgetPartsList',
        'gadgetPartsReplace',
        'gadgetPartsUpdate',
      ],
    );
    assert.deepEqual(Object.keys(member.patch?.requestBody?.content ?? {}), [...bodyMediaTypes('PATCH')]);
    assert.deepEqual(doc.components.schemas.GadgetPartsFields?.required, ['label']);
    assert.equal(doc.components.schemas.GadgetPartsFields?.additionalProperties, false);
    // Conditional requests: 304 on GET, 412 on every write, the precondition headers as parameters.
    assert.ok(member.get?.responses['304']?.headers?.ETag);
    for (const method of ['put', 'patch', 'delete']) {
      assert.ok(member[method]?.responses['412'], method);
      const names = (member[method]?.parameters ?? []).map((p) => p.$ref);
      assert.ok(names.includes('#/components/parameters/IfMatch'), method);
    }
    for (const op of [...Object.values(member), ...Object.values(paths['/gadget-parts'] ?? {})]) {
      for (const status of ['403', '429', '500', '502', '503', '504'])
        assert.ok(op.responses[status], status);
    }
    assert.deepEqual(doc.components.responses.ServiceUnavailable.headers, {
      'Retry-After': { $ref: '#/components/headers/RetryAfter' },
    });
  });
});
