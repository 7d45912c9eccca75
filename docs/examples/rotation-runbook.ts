import type { Client } from 'openapi-fetch';
import type { paths } from './mamori-api';

type Mamori = Client<paths>;

/**
 * The incident runbook's step "force every operator to choose a new password": starts the
 * campaign once per incident (the incident id is the Idempotency-Key, and the deadline counts
 * from when the incident was declared, so a re-run of the runbook within a day gets the same
 * campaign back), then reports who has not rotated yet.
 */
export async function rotateForIncident(
  mamori: Mamori,
  tenantId: string,
  incident: { id: string; summary: string; declaredAt: Date; hoursToRotate: number; endSessions: boolean },
) {
  const path = { tenantId };
  const deadline = new Date(incident.declaredAt.getTime() + incident.hoursToRotate * 3_600_000);
  const started = await mamori.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
    params: { path, header: { 'Idempotency-Key': `incident:${incident.id}:rotation` } },
    body: {
      reason: `${incident.id}: ${incident.summary}`,
      deadline: deadline.toISOString(),
      revokeSessions: incident.endSessions,
    },
  });
  if (started.error) throw new Error(`start: ${started.error.error} ${JSON.stringify(started.error.fields ?? {})}`);
  const on = { path: { ...path, campaignId: started.data.campaignId } };
  const progress = await mamori.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}', { params: on });
  if (progress.error) throw new Error(`progress: ${progress.error.error}`);
  const pending: string[] = [];
  for (let after: string | undefined; ;) {
    const page = await mamori.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/operators', {
      params: { ...on, query: { after } },
    });
    if (page.error) throw new Error(`report: ${page.error.error}`);
    pending.push(...page.data.operators.filter((o) => o.status !== 'rotated').map((o) => o.loginId));
    if (!page.data.next) break;
    after = page.data.next;
  }
  return { campaignId: started.data.campaignId, totals: progress.data.totals, pending: pending.sort() };
}
