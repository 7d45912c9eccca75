import { z } from 'zod';
import { auditFilterApiSchema } from '@/lib/audit/audit-filter';
import { APP_ERRORS, type AppErrorCode } from '@/lib/http/app-error';
import { API_OPERATIONS } from './api-operations';
import type { Operation } from './operation';

const event = z.object({
  tenantId: z.uuid(),
  seq: z.number().int(),
  id: z.uuid(),
  occurredAt: z.iso.datetime(),
  actorOperatorId: z.uuid().nullable(),
  actorLoginId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  sessionId: z.uuid().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string().describe('hex sha256 chain hash'),
});

const page = z.object({
  events: z.array(event),
  next: z.string().nullable().describe('pass as `before` for the next (older) page'),
});
/** RFC 9457 problem details, with the code and the refused fields as extension members. */
const problem = z.object({
  type: z.string().describe('urn:mamori:problem:<code>'),
  title: z.string(),
  status: z.number().int(),
  error: z.string().describe('the code: bad_request, unauthenticated, forbidden, ip_denied, too_many_requests, …'),
  fields: z.record(z.string(), z.array(z.string())).optional().describe('per parameter, the reasons it was refused'),
  id: z.string().optional().describe('for an internal error: the id its log line carries'),
});

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12, without the dialect line OpenAPI 3.1 already implies. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemContent = { 'application/problem+json': { schema: problemRef } };

/** What each refusal means to a client, for the answers' descriptions. */
const MEANING: Partial<Record<AppErrorCode, string>> = {
  bad_request: 'Invalid input; `fields` names each refused field and why',
  unauthenticated: 'Missing, unknown, revoked or expired token',
  forbidden: 'The token lacks the scope',
  ip_denied: "The address is outside the tenant's IP allowlist or the token's networks",
  not_found: "No such resource in the token's tenant (another tenant's ids are not found either)",
  conflict: 'Conflicts with the current state, or the same Idempotency-Key is still running',
  precondition_failed: 'If-Match is stale: read again, merge, and retry with the new ETag',
  idempotency_key_reused: 'The Idempotency-Key was used for a different request',
  precondition_required: 'If-Match is missing',
  unsupported_media_type: 'The body is not application/json',
  too_many_requests: 'More calls this minute than the token may make; Retry-After says when to try again',
};

/** Problem answers by status, each naming its codes. */
function problemAnswers(codes: AppErrorCode[]): Json {
  const byStatus = new Map<number, AppErrorCode[]>();
  for (const code of codes) byStatus.set(APP_ERRORS[code], [...(byStatus.get(APP_ERRORS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      {
        description: list.map((c) => `\`${c}\`: ${MEANING[c] ?? c}`).join('; '),
        content: problemContent,
        ...(status === 429
          ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } } }
          : {}),
      },
    ]),
  );
}

const COMMON: AppErrorCode[] = ['unauthenticated', 'forbidden', 'ip_denied', 'not_found', 'too_many_requests'];

function operationObject(op: Operation): Json {
  const parameters: Json[] = [];
  const pathSchema = schemaOf(op.params, 'input') as { properties: Record<string, Json> };
  for (const [name, schema] of Object.entries(pathSchema.properties))
    parameters.push({ name, in: 'path', required: true, schema });
  if (op.query) {
    const q = schemaOf(op.query, 'input') as { properties: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties)) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: 'query',
        required: q.required?.includes(name) ?? false,
        schema: rest,
        ...(description ? { description } : {}),
      });
    }
  }
  const codes = [...COMMON, ...(op.problems ?? [])];
  if (op.method === 'POST') {
    parameters.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: true,
      description:
        'A unique key per intended change (a UUID): a retry with the same key gets the first answer back for a day',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
    codes.push('bad_request', 'conflict', 'idempotency_key_reused');
  }
  if (op.etag === 'write') {
    parameters.push({
      name: 'If-Match',
      in: 'header',
      required: true,
      description: 'The ETag of the last read (or `*` to overwrite whatever is there)',
      schema: { type: 'string' },
    });
    codes.push('precondition_failed', 'precondition_required');
  }
  if (op.body) codes.push('bad_request', 'unsupported_media_type');
  const success: Json = { description: op.answer.description };
  if (op.answer.schema) success.content = { 'application/json': { schema: schemaOf(op.answer.schema, 'output') } };
  if (op.etag)
    success.headers = { ETag: { schema: { type: 'string' }, description: 'the state as read; send as If-Match' } };
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    parameters,
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } } }
      : {}),
    responses: { [String(op.answer.status)]: success, ...problemAnswers([...new Set(codes)]) },
  };
}

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes parse with. */
export function openApiDocument() {
  const params = schemaOf(auditFilterApiSchema, 'input') as { properties: Record<string, unknown> };
  const auditParameters = Object.entries(params.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  const paths: Record<string, Json> = {
    '/api/v1/audit-events': {
      get: {
        operationId: 'listAuditEvents',
        tags: ['audit'],
        summary: "The token's tenant's audit events, newest first, 50 a page",
        parameters: auditParameters,
        responses: {
          '200': {
            description: 'A page of events',
            content: { 'application/json': { schema: schemaOf(page, 'output') } },
          },
          ...problemAnswers([...COMMON.filter((c) => c !== 'not_found'), 'bad_request']),
        },
      },
    },
  };
  for (const op of Object.values(API_OPERATIONS) as Operation[])
    paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: operationObject(op) };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mamori API',
      version: '1',
      description:
        'The admin API: what a tenant admin manages in the console, for scripts. Tokens are created by a tenant admin in the console (shown once), with scopes, an expiry and optionally their own networks. Errors are RFC 9457 problems. See docs/api.md.',
    },
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'mmr_… API token' } },
      schemas: { Problem: schemaOf(problem, 'output') },
    },
    security: [{ token: [] }],
    tags: [
      { name: 'operators', description: 'scopes operators:read, operators:write' },
      { name: 'ip-allowlist', description: 'scopes allowlist:read, allowlist:write' },
      { name: 'policies', description: 'scopes policy:read, policy:write' },
      { name: 'rotation', description: 'scopes rotation:read, rotation:write' },
      { name: 'alerts', description: 'scopes alerts:read, alerts:write' },
      { name: 'audit', description: 'scope audit:read' },
      { name: 'tenants', description: "scopes tenants:read, tenants:write: the platform's own tokens only" },
    ],
    paths,
  };
}
