import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, incidentPivots } from '@/db/schema';
import { blockAddress } from '@/lib/allowlists/block-address';
import { resetClock } from '@/lib/clock';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { refusal } from '@/lib/testing/refusal';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { addIncidentPivot } from './add-incident-pivot';
import { closeIncident } from './close-incident';
import { findOpenIncident } from './find-open-incident';
import { getIncident } from './get-incident';
import { listIncidents } from './list-incidents';
import { openIncident } from './open-incident';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const SESSION = '5b0d1f4e-8c1a-4d2e-9f3b-0a1b2c3d4e5f';
let n = 0;

async function company() {
  const code = `inc${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminLogin = `${code}.admin`;
  const adminId = await createOperator(tenantId, adminLogin, PW, 'tenant_admin');
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', adminLogin), ip: '203.0.113.10' };
  return {
    tenantId,
    admin,
    writer: tenantAccess(admin, tenantId, 'security.write'),
    reader: tenantAccess(admin, tenantId, 'audit.read'),
  };
}

const pivotCount = (tenantId: string) =>
  withPlatformTx(
    async (tx) =>
      (await tx.select({ f: incidentPivots.filter }).from(incidentPivots).where(eq(incidentPivots.tenantId, tenantId)))
        .length,
  );

describe('incidents', () => {
  it('groups pivots and the actions taken for it into a timeline; bad input and a closed incident change nothing', async () => {
    const c = await company();
    const { id } = await openIncident(c.writer, { title: 'Operator password used from abroad' });

    // The page's own query string, with a page position and a chain, is kept canonical and once.
    await addIncidentPivot(c.writer, {
      incidentId: id,
      filter: `session=${SESSION}&from=2026-11-01T00:00:00%2B09:00&before=abc&tenant=${c.tenantId}`,
    });
    expect(
      await refusal(
        addIncidentPivot(c.writer, { incidentId: id, filter: `from=2026-10-31T15:00:00Z&session=${SESSION}` }),
      ),
    ).toEqual({
      code: 'conflict',
      fields: { filter: ['pivot_exists'] },
    });
    for (const filter of ['ip=not-an-address', 'action=orders.exported', 'session=x&bogus=1', 'from=2026-11-01T00:00'])
      expect(await refusal(addIncidentPivot(c.writer, { incidentId: id, filter }))).toEqual({
        code: 'bad_request',
        fields: { filter: ['invalid_pivot'] },
      });
    await addIncidentPivot(c.writer, { incidentId: id, filter: 'ip=198.51.100.0/24' });
    expect(await pivotCount(c.tenantId)).toBe(2);

    // An action taken for the incident (the action wrapper sets ctx.incident) carries it.
    const incident = await findOpenIncident(c.writer, id);
    expect(incident).toEqual({ ownerTenantId: c.tenantId, id });
    await blockAddress(
      { ...c.writer, incident, steppedUp: true },
      { cidr: '198.51.100.0/24', hours: 24, reason: 'stolen password used' },
    );
    // One taken outside it does not.
    await blockAddress({ ...c.writer, steppedUp: true }, { cidr: '192.0.2.0/24', hours: 1, reason: 'a scanner' });

    const got = await getIncident(c.reader, id);
    expect(got.incident).toMatchObject({ title: 'Operator password used from abroad', closedAt: null });
    expect(got.pivots.map((p) => p.filter)).toEqual([
      `from=2026-10-31T15%3A00%3A00.000Z&session=${SESSION}`,
      'ip=198.51.100.0%2F24',
    ]);
    expect(got.pivots[0].query).toMatchObject({ session: SESSION, from: new Date('2026-10-31T15:00:00Z') });
    expect(got.timeline.map((e) => e.action)).toEqual([
      'incident.opened',
      'incident.pivot_added',
      'incident.pivot_added',
      'ip_block.added',
    ]);
    expect(got.timeline[3].details).toMatchObject({ cidr: '198.51.100.0/24', incidentId: id });

    await closeIncident(c.writer, { incidentId: id, reason: 'address blocked, passwords rotated' });
    expect(await refusal(closeIncident(c.writer, { incidentId: id, reason: 'again' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await refusal(addIncidentPivot(c.writer, { incidentId: id, filter: 'ip=192.0.2.1' }))).toEqual({
      code: 'conflict',
      fields: { incidentId: ['incident_closed'] },
    });
    expect(await refusal(findOpenIncident(c.writer, id))).toEqual({
      code: 'conflict',
      fields: { incidentId: ['incident_closed'] },
    });
    expect(await pivotCount(c.tenantId)).toBe(2);
    const after = await getIncident(c.reader, id);
    expect(after.incident).toMatchObject({ closingNote: 'address blocked, passwords rotated' });
    expect(after.timeline.at(-1)).toMatchObject({ action: 'incident.closed', details: { incidentId: id } });
    expect((await listIncidents(c.reader)).map((i) => [i.id, i.pivots])).toEqual([[id, 2]]);
  });

  it('is walled: another company can neither read, extend, close nor act for it', async () => {
    const a = await company();
    const b = await company();
    const { id } = await openIncident(a.writer, { title: 'Incident of A' });
    expect(await refusal(getIncident(b.reader, id))).toEqual({ code: 'not_found', fields: undefined });
    expect(await refusal(addIncidentPivot(b.writer, { incidentId: id, filter: 'ip=192.0.2.1' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await refusal(closeIncident(b.writer, { incidentId: id, reason: 'not mine' }))).toEqual({
      code: 'not_found',
      fields: undefined,
    });
    expect(await refusal(findOpenIncident(b.writer, id))).toEqual({
      code: 'bad_request',
      fields: { incidentId: ['incident_unknown'] },
    });
    expect(await listIncidents(b.reader)).toEqual([]);
    expect(await pivotCount(a.tenantId)).toBe(0);
  });

  it('a platform incident gathers what staff did in each company’s chain', async () => {
    const a = await company();
    const b = await company();
    const staffCtx = {
      ...contextFor(PLATFORM_TENANT_ID, a.admin.operatorId, 'platform_admin', 'staff.admin'),
      ip: '203.0.113.20',
    };
    const platform = tenantAccess(staffCtx, PLATFORM_TENANT_ID, 'security.write');
    const { id } = await openIncident(platform, { title: 'Backdoor on the web server' });
    // Staff acting on company A for the platform's incident.
    const inA = tenantAccess(staffCtx, a.tenantId, 'security.write');
    const incident = await findOpenIncident(inA, id);
    expect(incident).toEqual({ ownerTenantId: PLATFORM_TENANT_ID, id });
    await blockAddress(
      { ...inA, incident, steppedUp: true },
      { cidr: '198.51.100.7/32', hours: 24, reason: 'intruder' },
    );
    // A company admin cannot name the platform's incident.
    expect(await refusal(findOpenIncident(b.writer, id))).toEqual({
      code: 'bad_request',
      fields: { incidentId: ['incident_unknown'] },
    });
    const got = await getIncident(tenantAccess(staffCtx, PLATFORM_TENANT_ID, 'audit.read'), id);
    expect(got.timeline.map((e) => [e.action, e.tenantId])).toEqual([
      ['incident.opened', PLATFORM_TENANT_ID],
      ['ip_block.added', a.tenantId],
    ]);
    const inChain = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, a.tenantId), eq(auditEvents.action, 'ip_block.added'))),
    );
    expect(inChain[0].details).toMatchObject({ incidentId: id });
  });
});
