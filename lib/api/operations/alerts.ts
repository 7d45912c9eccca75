import { z } from '@/lib/http/zod-messages';
import { defineOperation } from '../operation';
import { cursorSchema } from './operators';

const R = 'app/api/v1/tenants/[tenantId]/alerts';
const inTenant = z.object({ tenantId: z.uuid() });

const alert = z.object({
  id: z.uuid(),
  rule: z.string().describe('what raised it, e.g. login_new_country, known_password'),
  loginId: z.string().nullable().describe('the operator it is about'),
  details: z.record(z.string(), z.unknown()),
  raisedAt: z.iso.datetime(),
  acknowledgedAt: z.iso.datetime().nullable(),
  acknowledgedBy: z.string().nullable(),
});

export const listAlertsOp = defineOperation({
  entry: `${R}/route.ts GET`,
  method: 'GET',
  path: '/api/v1/tenants/{tenantId}/alerts',
  operationId: 'listAlerts',
  tag: 'alerts',
  summary: "The tenant's security alerts, newest first, 50 a page",
  params: inTenant,
  query: z.object({
    open: z.enum(['true', 'false']).default('false').describe('true: only those not yet acknowledged'),
    after: cursorSchema.optional(),
  }),
  answer: {
    status: 200,
    description: 'A page of alerts; `next` is null on the last page',
    schema: z.object({ alerts: z.array(alert), next: z.string().nullable() }),
  },
  problems: ['bad_request'],
});

export const acknowledgeAlertOp = defineOperation({
  entry: `${R}/[alertId]/acknowledge/route.ts POST`,
  method: 'POST',
  path: '/api/v1/tenants/{tenantId}/alerts/{alertId}/acknowledge',
  operationId: 'acknowledgeAlert',
  tag: 'alerts',
  summary: 'Marks an alert as looked at',
  description: 'An alert already acknowledged is not found among the open ones: 404.',
  params: inTenant.extend({ alertId: z.uuid() }),
  answer: { status: 204, description: 'Acknowledged' },
});
