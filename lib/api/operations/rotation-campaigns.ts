import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { defineOperation } from '../operation';
import { cursorSchema } from './operators';

const R = 'app/api/v1/tenants/[tenantId]/rotation-campaigns';
const inTenant = z.object({ tenantId: z.uuid() });
const onCampaign = inTenant.extend({ campaignId: z.uuid() });
const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 with an offset or Z');
const status = z.enum(['active', 'cancelled']);

const campaign = z.object({
  id: z.uuid(),
  reason: z.string(),
  deadline: z.iso.datetime(),
  status,
  startedAt: z.iso.datetime(),
  startedBy: z.string().describe('login ID, or api-token:<name>'),
  operators: z.number().int(),
  tenants: z.number().int(),
});

export const listRotationCampaignsOp = defineOperation({
  entry: `${R}/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns',
  operationId: 'listRotationCampaigns',
  tag: 'rotation',
  summary: "The tenant's password rotation campaigns, newest first (the last 100)",
  params: inTenant,
  answer: { status: 200, description: 'The campaigns', schema: z.object({ campaigns: z.array(campaign) }) },
});

export const startRotationCampaignOp = defineOperation({
  entry: `${R}/route.ts POST`,
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns',
  operationId: 'startRotationCampaign',
  tag: 'rotation',
  summary: 'Starts a forced password rotation of every active operator',
  description:
    "Every active operator whose password predates the campaign must change it by the deadline, or is locked until an admin resets them. With revokeSessions their sessions end now. A platform token chooses tenants (tenantIds) or confirms all of them by their number (allTenants); a tenant's token covers its own tenant.",
  params: inTenant,
  body: z.object({
    reason: reasonSchema.describe('kept in the audit trail and shown to operators'),
    deadline: instant.describe('at least a minute ahead'),
    revokeSessions: z.boolean().default(false),
    tenantIds: z.array(z.uuid()).min(1).max(10_000).optional().describe('platform campaigns: the tenants'),
    allTenants: z.number().int().nonnegative().optional().describe('platform campaigns: every tenant, by their number'),
  }),
  answer: {
    status: 201,
    description: 'Started',
    schema: z.object({
      campaignId: z.uuid(),
      operators: z.number().int(),
      tenants: z.number().int(),
      sessionsEnded: z.number().int(),
    }),
  },
  problems: ['bad_request', 'conflict'],
});

const counts = {
  total: z.number().int(),
  rotated: z.number().int(),
  pending: z.number().int(),
  locked: z.number().int(),
  notLoggedInSince: z.number().int().describe('pending or locked, and not signed in since the start'),
};

export const getRotationCampaignOp = defineOperation({
  entry: `${R}/[campaignId]/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}',
  operationId: 'getRotationCampaign',
  tag: 'rotation',
  summary: 'A campaign and its progress, per tenant (laggards first)',
  params: onCampaign,
  answer: {
    status: 200,
    description: 'The campaign',
    schema: z.object({
      campaign: campaign.omit({ operators: true, tenants: true }).extend({ revokeSessions: z.boolean() }),
      totals: z.object(counts),
      tenants: z.array(z.object({ tenantId: z.uuid(), tenantCode: z.string(), tenantName: z.string(), ...counts })),
    }),
  },
});

export const rotationReportOp = defineOperation({
  entry: `${R}/[campaignId]/operators/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/operators',
  operationId: 'rotationReport',
  tag: 'rotation',
  summary: "The campaign's report: each operator's state, 500 a page",
  params: onCampaign,
  query: z.object({ after: cursorSchema.optional() }),
  answer: {
    status: 200,
    description: 'A page of operators; `next` is null on the last page',
    schema: z.object({
      operators: z.array(
        z.object({
          tenantId: z.uuid(),
          tenantCode: z.string(),
          operatorId: z.uuid(),
          loginId: z.string(),
          displayName: z.string(),
          status: z.enum(['pending', 'rotated', 'locked', 'cancelled']),
          deadline: z.iso.datetime(),
          rotatedAt: z.iso.datetime().nullable(),
          lockedAt: z.iso.datetime().nullable(),
          lastLoginAt: z.iso.datetime().nullable(),
        }),
      ),
      next: z.string().nullable(),
    }),
  },
  problems: ['bad_request'],
});

export const extendRotationCampaignOp = defineOperation({
  entry: `${R}/[campaignId]/extend/route.ts POST`,
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/extend',
  operationId: 'extendRotationCampaign',
  tag: 'rotation',
  summary: 'Moves a campaign’s deadline later (never earlier) for the operators still pending',
  params: onCampaign,
  body: z.object({ deadline: instant }),
  answer: { status: 200, description: 'Extended', schema: z.object({ deadline: z.iso.datetime() }) },
  problems: ['bad_request', 'conflict'],
});

export const cancelRotationCampaignOp = defineOperation({
  entry: `${R}/[campaignId]/cancel/route.ts POST`,
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/cancel',
  operationId: 'cancelRotationCampaign',
  tag: 'rotation',
  summary: 'Stops a campaign; pending operators are released, locked ones stay locked',
  params: onCampaign,
  answer: {
    status: 200,
    description: 'Cancelled',
    schema: z.object({ released: z.number().int().describe('operators no longer asked to change their password') }),
  },
  problems: ['conflict'],
});
