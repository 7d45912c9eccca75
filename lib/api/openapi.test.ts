import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ACCESS, type AccessRule } from '@/lib/auth/access-table';
import { appEntryFiles } from '@/lib/testing/entry-points';
import { API_OPERATIONS } from './api-operations';
import { openApiDocument } from './openapi';
import type { Operation } from './operation';

const operations = Object.values(API_OPERATIONS) as Operation[];

/** Every JSON Schema in the document: components, parameters, bodies and answers. */
function schemasIn(node: unknown, found: object[] = [], key = ''): object[] {
  if (!node || typeof node !== 'object') return found;
  if (key === 'schema') {
    found.push(node);
    return found;
  }
  for (const [k, v] of Object.entries(node)) schemasIn(v, found, k);
  return found;
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument();

  it('is a valid OpenAPI 3.1 document, by an independent validator', async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('holds only valid JSON Schema 2020-12 (the OpenAPI validator does not look inside schemas)', () => {
    const ajv = new Ajv2020({ strict: false });
    const schemas = [...Object.values(doc.components.schemas), ...schemasIn(doc.paths)];
    expect(schemas.length).toBeGreaterThan(40);
    for (const schema of schemas) expect(ajv.validateSchema(schema), JSON.stringify(schema)).toBe(true);
  });

  it('is refused by the validator when broken, so the check above can fail', async () => {
    const broken = structuredClone(doc) as { paths: Record<string, Record<string, { responses: object }>> };
    broken.paths['/api/v1/tenants/{tenantId}/operators'].get.responses = { '200': { content: {} } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('describes every operation at the path and method its route file serves, with its row’s scope', () => {
    for (const op of operations) {
      const [file, method] = op.entry.split(' ');
      expect(file, op.operationId).toBe(`app${op.path.replace(/\{(\w+)\}/g, '[$1]')}/route.ts`);
      expect(method).toBe(op.method);
      expect(readFileSync(file, 'utf8'), op.operationId).toMatch(
        new RegExp(
          `export const ${method} = withApi\\(${Object.keys(API_OPERATIONS).find((k) => API_OPERATIONS[k as keyof typeof API_OPERATIONS] === op)}\\b`,
        ),
      );
      expect((ACCESS as Record<string, AccessRule>)[op.entry]?.who).toBe('token');
      expect(doc.paths[op.path]?.[op.method.toLowerCase()], op.operationId).toBeDefined();
    }
  });

  it('covers every token route on disk', () => {
    const tokenRows = Object.entries(ACCESS as Record<string, AccessRule>)
      .filter(([, rule]) => rule.who === 'token')
      .map(([entry]) => entry);
    const described = new Set(operations.map((o) => o.entry));
    // The audit events route predates the operation list; its parameters come from its own filter schema.
    expect(tokenRows.filter((e) => !described.has(e))).toEqual(['app/api/v1/audit-events/route.ts GET']);
    expect(appEntryFiles('app/api/v1').length).toBeGreaterThan(operations.length / 2);
  });

  it('asks for an Idempotency-Key on every POST and If-Match on every write with an ETag', () => {
    for (const op of operations) {
      const o = doc.paths[op.path][op.method.toLowerCase()] as { parameters: { name: string; required: boolean }[] };
      const header = (name: string) => o.parameters.find((p) => p.name === name)?.required ?? false;
      expect(header('Idempotency-Key'), op.operationId).toBe(op.method === 'POST');
      expect(header('If-Match'), op.operationId).toBe(op.etag === 'write');
    }
  });
});
