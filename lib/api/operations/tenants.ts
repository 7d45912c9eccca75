import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { optionalEmailSchema, tenantCodeSchema } from '@/lib/tenancy/schemas';
import { defineOperation } from '../operation';
import { cursorSchema } from './operators';

const onTenant = z.object({ tenantId: z.uuid() });

export const tenantView = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  status: z.enum(['active', 'suspended']),
  sites: z.number().int(),
  operators: z.number().int(),
  lastActivityAt: z.iso.datetime(),
});

export const listTenantsOp = defineOperation({
  entry: 'app/api/v1/tenants/route.ts GET',
  method: 'GET',
  path: '/api/v1/tenants',
  operationId: 'listTenants',
  tag: 'tenants',
  summary: "The platform's customer tenants by code, 50 a page (platform tokens)",
  params: z.object({}),
  query: z.object({
    q: z.string().trim().max(100).optional().describe('part of a code or name'),
    after: cursorSchema.optional(),
  }),
  answer: {
    status: 200,
    description: 'A page of tenants; `next` is null on the last page',
    schema: z.object({ tenants: z.array(tenantView), next: z.string().nullable() }),
  },
  problems: ['bad_request'],
});

export const createTenantOp = defineOperation({
  entry: 'app/api/v1/tenants/route.ts POST',
  method: 'POST',
  path: '/api/v1/tenants',
  operationId: 'createTenant',
  tag: 'tenants',
  summary: 'Creates a customer tenant (platform tokens)',
  description: 'A new tenant requires TOTP of every operator, with 14 days to enroll. Its audit chain starts here.',
  params: z.object({}),
  body: z.object({
    code: tenantCodeSchema.describe("lowercase letters, digits and '-': the prefix of its operators' login IDs"),
    name: z.string().trim().min(1).max(100),
    contactEmail: optionalEmailSchema.optional(),
  }),
  answer: { status: 201, description: 'Created', schema: tenantView },
  problems: ['bad_request', 'conflict'],
});

const statusChange = <E extends string>(entry: E, slug: string, operationId: string, summary: string) =>
  defineOperation({
    entry,
    method: 'POST',
    path: `/api/v1/tenants/{tenantId}/${slug}`,
    operationId,
    tag: 'tenants',
    summary,
    params: onTenant,
    body: z.object({ reason: reasonSchema.describe("kept in the tenant's audit trail") }),
    answer: {
      status: 200,
      description: 'Done (already so: nothing changes)',
      schema: z.object({ status: z.enum(['active', 'suspended']), sessionsEnded: z.number().int() }),
    },
    problems: ['bad_request'],
  });

export const suspendTenantOp = statusChange(
  'app/api/v1/tenants/[tenantId]/suspend/route.ts POST',
  'suspend',
  'suspendTenant',
  'Suspends a tenant: its sessions end and its operators cannot sign in (platform tokens)',
);
export const reactivateTenantOp = statusChange(
  'app/api/v1/tenants/[tenantId]/reactivate/route.ts POST',
  'reactivate',
  'reactivateTenant',
  'Reactivates a suspended tenant (platform tokens)',
);
