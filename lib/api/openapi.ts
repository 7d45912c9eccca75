import { z } from 'zod';
import { auditFilterApiSchema } from '@/lib/audit/audit-filter';

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

/** The OpenAPI 3.1 document, generated from the same zod schemas the route parses with. */
export function openApiDocument() {
  const params = z.toJSONSchema(auditFilterApiSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, unknown>;
  };
  const parameters = Object.entries(params.properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  const json = (schema: z.ZodType) => ({
    'application/json': { schema: z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) },
  });
  const problemJson = {
    'application/problem+json': { schema: z.toJSONSchema(problem, { io: 'output', unrepresentable: 'any' }) },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Mamori API',
      version: '1',
      description: 'Audit events for SIEMs. Tokens are created by a tenant admin in the console (shown once).',
    },
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'mmr_… API token, scope audit:read' } },
    },
    security: [{ token: [] }],
    paths: {
      '/api/v1/audit-events': {
        get: {
          summary: "The token's tenant's audit events, newest first, 50 a page",
          parameters,
          responses: {
            '200': { description: 'A page of events', content: json(page) },
            '400': { description: 'A parameter is invalid, unknown, or a time has no offset', content: problemJson },
            '401': { description: 'Missing, unknown, revoked or expired token', content: problemJson },
            '403': {
              description:
                "Address outside the tenant's IP allowlist or the token's networks, or a token without the scope",
              content: problemJson,
            },
            '429': {
              description: 'More calls this minute than the token may make; Retry-After says when to try again',
              headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } },
              content: problemJson,
            },
          },
        },
      },
    },
  };
}
