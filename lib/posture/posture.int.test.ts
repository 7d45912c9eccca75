import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import {
  PLATFORM_TENANT_ID,
  alerts,
  ipAllowlists,
  orderExports,
  operators,
  recoveryCodes,
  tenantPosture,
  tenantPostureDaily,
  tenants,
  totpCredentials,
  webhookDeliveries,
} from '@/db/schema';
import { createApiToken } from '@/lib/api/create-api-token';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { startRotationCampaign } from '@/lib/passwords/start-rotation-campaign';
import { contextFor, platformAccess, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { getOwnPosture } from './get-own-posture';
import { listPosture, listPostureQuery } from './list-posture';
import { refreshPosture } from './refresh-posture';

setupTestDatabase();
afterEach(() => resetClock());

const PW = 'a long enough password';
const DAY = 86_400_000;
let n = 0;

/** An admin and three operators, one of them disabled (never counted). */
async function company() {
  const code = `ps${++n}x${Date.now().toString(36)}`;
  const tenantId = await createTenant(code);
  const adminId = await createOperator(tenantId, `${code}.admin`, PW, 'tenant_admin');
  const op1 = await createOperator(tenantId, `${code}.op1`, PW);
  const op2 = await createOperator(tenantId, `${code}.op2`, PW);
  const op3 = await createOperator(tenantId, `${code}.op3`, PW);
  await withPlatformTx((tx) =>
    tx
      .update(operators)
      .set({ status: 'disabled' })
      .where(and(eq(operators.tenantId, tenantId), eq(operators.id, op3))),
  );
  const admin = { ...contextFor(tenantId, adminId, 'tenant_admin', `${code}.admin`), ip: '192.0.2.9' };
  return { tenantId, adminId, op1, op2, admin };
}

/** TOTP for an operator (and unused recovery codes when asked), as enrollment leaves them. */
const totp = (tenantId: string, operatorId: string, codes: boolean) =>
  withPlatformTx(async (tx) => {
    await tx
      .insert(totpCredentials)
      .values({ tenantId, operatorId, secretCiphertext: 'x', keyId: 'k', status: 'active', enrolledAt: now() });
    if (codes) await tx.insert(recoveryCodes).values({ tenantId, operatorId, codeHash: `h-${operatorId}` });
  });

const row = async (tenantId: string) =>
  (await withPlatformTx((tx) => tx.select().from(tenantPosture).where(eq(tenantPosture.tenantId, tenantId))))[0];

describe('security posture', () => {
  it('counts each figure of a company’s active operators and says what keeps its score below 100', async () => {
    const a = await company();
    const b = await company();
    await totp(a.tenantId, a.adminId, true);
    await totp(a.tenantId, a.op1, false);
    expect(await refreshPosture([a.tenantId, b.tenantId])).toBe(2);

    expect(await row(a.tenantId)).toMatchObject({
      operators: 3,
      totpEnrolled: 2,
      recoveryCodes: 1,
      renewalSince: null,
      passwordsRenewed: 0,
      allowlistMode: 'none',
      allowlistCovered: 0,
      dormant: 0,
      openAlerts: 0,
      lastExportAt: null,
      oldTokens: 0,
      webhook: 'none',
      // 100 − 30·1/3 (TOTP) − 5·1/2 (recovery codes, rounded) − 15 (no allowlist).
      score: 72,
      reasons: ['totp', 'recovery', 'allowlist_none'],
    });
    expect(await row(b.tenantId)).toMatchObject({ operators: 3, totpEnrolled: 0, score: 55 });

    // An enforced company list, an open alert, a year's API token, then 91 days without a sign-in.
    await withPlatformTx((tx) =>
      tx.insert(ipAllowlists).values({ tenantId: a.tenantId, mode: 'enforce', entryCount: 1 }),
    );
    await withTenantTx(a.tenantId, (tx) =>
      raiseAlert(tx, { tenantId: a.tenantId, rule: 'secret_revealed', details: { siteId: 'x' } }),
    );
    const writer = { ...tenantAccess(a.admin, a.tenantId, 'security.write'), steppedUp: true as const };
    await createApiToken(writer, { name: 'siem', days: 365, scopes: ['audit:read'] });
    advanceClock(91 * DAY);
    const before = (await row(b.tenantId)).refreshedAt;
    await refreshPosture([a.tenantId]);
    expect(await row(a.tenantId)).toMatchObject({
      allowlistMode: 'enforce',
      allowlistCovered: 3,
      openAlerts: 1,
      oldTokens: 1,
      dormant: 3,
      reasons: ['totp', 'recovery', 'dormant', 'alerts', 'old_tokens'],
      // 100 − 10 − 3 − 10 (all dormant) − 5 (an alert) − 5 (an old token).
      score: 67,
    });
    // Only the companies asked for are refreshed.
    expect((await row(b.tenantId)).refreshedAt).toEqual(before);

    // A rotation campaign: passwords count as renewed once changed after it began.
    await startRotationCampaign(writer, {
      reason: 'after the incident',
      deadline: new Date(now().getTime() + 7 * DAY),
      revokeSessions: false,
    });
    advanceClock(60_000);
    await withPlatformTx((tx) =>
      tx
        .update(operators)
        .set({ passwordChangedAt: now(), mustChangePassword: false })
        .where(and(eq(operators.tenantId, a.tenantId), eq(operators.id, a.op2))),
    );
    await refreshPosture([a.tenantId]);
    const renewed = await row(a.tenantId);
    expect(renewed.renewalSince).not.toBeNull();
    expect(renewed).toMatchObject({ passwordsRenewed: 1, reasons: expect.arrayContaining(['renewal']) });

    // An export that left, and a webhook whose last delivery failed.
    const site = await createSite(a.tenantId, 'main', { members: 1, orders: 1, customers: 1 });
    const downloadedAt = new Date(now().getTime() - DAY);
    await withPlatformTx(async (tx) => {
      await tx.insert(orderExports).values({
        tenantId: a.tenantId,
        siteId: site,
        operatorId: a.adminId,
        loginId: 'x',
        periodFrom: now(),
        periodTo: now(),
        columns: ['orderNo'],
        encoding: 'utf8',
        reason: 'monthly',
        rowCount: 10,
        customerCount: 5,
        status: 'downloaded',
        downloadedAt,
      });
      await tx
        .update(tenants)
        .set({ alertWebhookUrl: 'https://hooks.example.jp/mamori' })
        .where(eq(tenants.id, a.tenantId));
      const [alert] = await tx.select({ id: alerts.id }).from(alerts).where(eq(alerts.tenantId, a.tenantId));
      await tx
        .insert(webhookDeliveries)
        .values({ tenantId: a.tenantId, alertId: alert.id, url: 'https://hooks.example.jp/mamori', status: 'failed' });
    });
    await refreshPosture([a.tenantId]);
    expect(await row(a.tenantId)).toMatchObject({
      lastExportAt: downloadedAt,
      webhook: 'failing',
      reasons: expect.arrayContaining(['webhook']),
    });
    // A company's own posture, for its admins: never another's.
    const own = await getOwnPosture(tenantAccess(a.admin, a.tenantId, 'security.write'));
    expect(own).toMatchObject({ tenantId: a.tenantId, webhook: 'failing', allowlistChangedAt: expect.any(Date) });
    const theirs = await withTenantTx(b.tenantId, (tx) => tx.select().from(tenantPosture));
    expect(theirs.map((r) => r.tenantId)).toEqual([b.tenantId]);

    // Today's trend row (Japan time) follows the latest refresh.
    const days = await withPlatformTx((tx) =>
      tx.select().from(tenantPostureDaily).where(eq(tenantPostureDaily.tenantId, a.tenantId)),
    );
    expect(days.map((d) => [d.totpEnrolled, d.passwordsRenewed, d.score])).toEqual(
      expect.arrayContaining([
        [2, 0, 72],
        [2, 1, (await row(a.tenantId)).score],
      ]),
    );
  });

  it('the platform page filters on each shortfall, sorts on any column and pages, with the total', async () => {
    const [a, b, c] = [await company(), await company(), await company()];
    await totp(a.tenantId, a.adminId, true);
    await totp(a.tenantId, a.op1, true);
    await totp(a.tenantId, a.op2, true);
    await totp(b.tenantId, b.adminId, true);
    await withPlatformTx((tx) =>
      tx.insert(ipAllowlists).values({ tenantId: b.tenantId, mode: 'monitor', entryCount: 2 }),
    );
    await refreshPosture([a.tenantId, b.tenantId, c.tenantId]);
    const staff = platformAccess(contextFor(PLATFORM_TENANT_ID, a.adminId, 'platform_admin'), 'tenants.list');
    const mine = (q: Record<string, string>) =>
      listPosture(staff, listPostureQuery.parse(q)).then((r) => ({
        total: r.total,
        ids: r.rows.map((x) => x.tenantId).filter((id) => [a.tenantId, b.tenantId, c.tenantId].includes(id)),
      }));
    const ours = { q: 'ps' };
    expect((await mine({ ...ours, sort: 'totp', dir: 'desc' })).ids.slice(0, 3)).toEqual([
      a.tenantId,
      b.tenantId,
      c.tenantId,
    ]);
    expect((await mine({ ...ours, reason: 'totp' })).ids).toEqual(expect.arrayContaining([b.tenantId, c.tenantId]));
    expect((await mine({ ...ours, reason: 'totp' })).ids).not.toContain(a.tenantId);
    expect((await mine({ ...ours, allowlist: 'monitor' })).ids).toEqual([b.tenantId]);
    expect((await mine({ ...ours, totpMax: '49' })).ids).toEqual(expect.arrayContaining([b.tenantId, c.tenantId]));
    expect((await mine({ ...ours, totpMax: '49' })).ids).not.toContain(a.tenantId);
    // Ranges on each figure as the page writes it (a's TOTP share is 100 %, b's 33 %, c's 0 %).
    expect((await mine({ ...ours, totpMin: '33', totpMax: '33' })).ids).toEqual([b.tenantId]);
    expect((await mine({ ...ours, totpMin: '34', totpMax: '' })).ids).toEqual([a.tenantId]);
    expect((await mine({ ...ours, operatorsMin: '3', operatorsMax: '3', sort: 'name' })).ids).toHaveLength(3);
    expect((await mine({ ...ours, operatorsMin: '4' })).ids).toEqual([]);
    expect((await mine({ ...ours, scoreMin: String((await row(a.tenantId)).score) })).ids).toEqual([a.tenantId]);
    expect((await mine({ ...ours, recoveryMin: '100' })).ids).toHaveLength(3);
    expect((await mine({ ...ours, recoveryMax: '99' })).ids).toEqual([]);
    // A figure a company does not have (no campaign, never exported) is outside every range.
    expect((await mine({ ...ours, renewalMin: '0' })).ids).toEqual([]);
    expect((await mine({ ...ours, exportMin: '0' })).ids).toEqual([]);
    expect(
      (await mine({ ...ours, alertsMax: '0', dormantMax: '0', tokensMax: '0', coveredMax: '0' })).ids,
    ).toHaveLength(3);
    // The last export, in whole days before now.
    const site = await createSite(c.tenantId, 'main', { members: 1, orders: 1, customers: 1 });
    await withPlatformTx((tx) =>
      tx.insert(orderExports).values({
        tenantId: c.tenantId,
        siteId: site,
        operatorId: c.adminId,
        loginId: 'x',
        periodFrom: now(),
        periodTo: now(),
        columns: ['orderNo'],
        encoding: 'utf8',
        reason: 'monthly',
        rowCount: 1,
        customerCount: 1,
        status: 'downloaded',
        downloadedAt: new Date(now().getTime() - DAY - 60_000),
      }),
    );
    await refreshPosture([c.tenantId]);
    expect((await mine({ ...ours, exportMin: '1', exportMax: '1' })).ids).toEqual([c.tenantId]);
    expect((await mine({ ...ours, exportMax: '0' })).ids).toEqual([]);
    advanceClock(DAY);
    expect((await mine({ ...ours, exportMin: '2', exportMax: '2' })).ids).toEqual([c.tenantId]);
    // A bound that is not a whole number is dropped, not an error.
    expect((await mine({ ...ours, totpMax: 'x', operatorsMin: '-1' })).ids).toHaveLength(3);
    // Lowest score first by default; a bad sort or filter value falls back instead of failing.
    const byScore = await listPosture(staff, listPostureQuery.parse({ ...ours, sort: 'nonsense', allowlist: 'x' }));
    const scores = byScore.rows.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((x, y) => x - y));
    // A page of one: the total is of every match, the rows of the page.
    const page = await listPosture(staff, listPostureQuery.parse({ ...ours, page: '2' }), 1);
    expect(page.rows).toHaveLength(1);
    expect(page.total).toBe(byScore.total);
    expect(page.rows[0].tenantId).toBe(byScore.rows[1].tenantId);
  });
});
