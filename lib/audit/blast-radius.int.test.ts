import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { contextFor, platformAccess } from '@/lib/testing/context';
import { createOperator, createTenant } from '@/lib/testing/fixtures';
import { fakeSha, recordAs, seedIntrusion } from '@/lib/testing/seed-intrusion';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from './measure-blast-radius';

setupTestDatabase();

const INTRUDER = '198.51.100.44';
describe('the blast radius of a pivot', () => {
  it('counts what one session touched per site from the trail, and says what the trail cannot', async () => {
    const { tenantId, siteA, siteB, intruder, reader, stamp } = await seedIntrusion('br', INTRUDER);

    const { sites, prunedBefore } = await measureBlastRadius(reader, { session: intruder.sessionId });
    expect(prunedBefore.size).toBe(0);
    const [none, a, b] = sites;
    expect(sites.map((s) => s.siteName)).toEqual([null, 'a ストア', 'b ストア']);
    expect(none).toMatchObject({ siteId: null, settingsChanged: 2, operators: [intruder.loginId] });
    expect(a).toMatchObject({
      siteId: siteA,
      ordersExported: 150,
      exportsUnaccounted: 1,
      rowsSentBeforeAbort: 10,
      paymentSecretsRevealed: 1,
      settingsChanged: 0,
      membersRevealed: 0,
    });
    expect(a.exportFiles.map((f) => [f.sha256, f.rows, f.customers])).toEqual([
      [fakeSha('a'), 100, 80],
      [fakeSha('b'), 50, 40],
    ]);
    expect(b).toMatchObject({
      siteId: siteB,
      membersRevealed: 2,
      membersListed: 80,
      ordersListed: 20,
      ordersRevealed: 1,
      settingsChanged: 1,
      ordersExported: 0,
      exportFiles: [],
      exportsUnaccounted: 0,
    });

    // By address, across tenants: another company's events from the same address appear under it.
    const other = await createTenant(`bs${stamp}`);
    const otherOp = await createOperator(other, `bs${stamp}.op`, 'a long enough password');
    await recordAs(other, { operatorId: otherOp, loginId: `bs${stamp}.op`, sessionId: randomUUID(), ip: INTRUDER }, [
      ['members.listed', { siteId: randomUUID(), count: 5 }],
      // Refused only: no login ID was used there.
      ['access.denied_ip', { layer: 'block', at: 'request' }, 'failure'],
    ]);
    const staff = platformAccess(
      contextFor(PLATFORM_TENANT_ID, intruder.operatorId, 'platform_auditor', 'staff'),
      'audit.read',
    );
    const across = await measureBlastRadiusAcrossTenants(staff, { ip: INTRUDER });
    expect(
      across.sites.map((s) => [s.tenantId, s.siteName, s.membersListed + s.membersRevealed + s.ordersExported]),
    ).toEqual([
      [tenantId, null, 0],
      [tenantId, 'a ストア', 150],
      [tenantId, 'b ストア', 82],
      [other, null, 0],
      [other, null, 5],
    ]);
    expect(across.sites.at(-2)!.operators).toEqual([]);
    // A tenant's own view never reaches the other company.
    expect((await measureBlastRadius(reader, { ip: INTRUDER })).sites.map((s) => s.tenantId)).not.toContain(other);
  });
});
