import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { alerts, auditEvents } from '@/db/schema';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant, superuserQuery } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import {
  getPaymentSettings,
  getRecentPaymentSettingChanges,
  revealPaymentSecret,
  updatePaymentSettings,
} from './payment-settings';
import { checkAccess } from '@/lib/auth/guard';

const database = setupTestDatabase();

const API_KEY = 'ak_live_7Hq2xW9pLmN4vB8s';
const SECRET = 'sk_live_Zr5tY1uQ3oP6aS0d';
const SMALL = { members: 3, orders: 2, customers: 2 };
const reason = 'Gateway support ticket 4711 asks to verify the key';

const eventsOf = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );
const alertsOf = (tenantId: string) =>
  withPlatformTx((tx) =>
    tx
      .select()
      .from(alerts)
      .where(and(eq(alerts.tenantId, tenantId), eq(alerts.rule, 'secret_revealed'))),
  );

let tenantA: string;
let siteA: string;
let siteA2: string;
let tenantB: string;
let siteB: string;
let adminA: ReturnType<typeof contextFor>;
let adminB: ReturnType<typeof contextFor>;

beforeAll(async () => {
  const suffix = Date.now().toString(36);
  tenantA = await createTenant(`paya${suffix}`);
  tenantB = await createTenant(`payb${suffix}`);
  [siteA, siteA2, siteB] = await Promise.all([
    createSite(tenantA, 'main', SMALL),
    createSite(tenantA, 'outlet', SMALL),
    createSite(tenantB, 'main', SMALL),
  ]);
  const [opA, opB] = await Promise.all([
    createOperator(tenantA, `paya${suffix}.admin`, 'correct horse battery staple', 'tenant_admin'),
    createOperator(tenantB, `payb${suffix}.admin`, 'correct horse battery staple', 'tenant_admin'),
  ]);
  adminA = contextFor(tenantA, opA, 'tenant_admin', `paya${suffix}.admin`);
  adminB = contextFor(tenantB, opB, 'tenant_admin', `payb${suffix}.admin`);
  const base = {
    provider: 'GMOペイメントゲートウェイ',
    merchantId: 'PAYA01',
    endpoint: 'https://pt01.mul-pay.example.jp/payment/',
  };
  await updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), siteA, {
    ...base,
    apiKey: API_KEY,
    secret: SECRET,
  });
  await updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), siteA2, {
    ...base,
    merchantId: 'PAYA02',
    apiKey: 'ak_outlet_00000000',
    secret: 'sk_outlet_11111111',
  });
  await updatePaymentSettings(tenantAccess(adminB, tenantB, 'payment_settings.write'), siteB, {
    ...base,
    merchantId: 'PAYB01',
    apiKey: 'ak_other_22222222',
    secret: 'sk_other_33333333',
  });
});

const PAYMENT = 'app/t/[tenantId]/sites/[siteId]/payment/actions.ts';

describe('payment-gateway settings', () => {
  it('shows the settings with the secrets masked, never their ciphertext or plaintext', async () => {
    const result = await getPaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.read'), siteA);
    expect(result.settings).toMatchObject({
      provider: 'GMOペイメントゲートウェイ',
      merchantId: 'PAYA01',
      apiKey: `••••••••${API_KEY.slice(-4)}`,
      secret: `••••••••${SECRET.slice(-4)}`,
    });
    const json = JSON.stringify(result);
    expect(json).not.toContain(API_KEY);
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('v1.');
    expect(json).not.toMatch(/ciphertext/i);
  });

  it('refuses a reveal without a fresh step-up or without a reason, and writes nothing', async () => {
    const stale = { ...adminA, mfaVerifiedAt: null };
    await expect(checkAccess(stale, `${PAYMENT} revealSecretAction`, { tenantId: tenantA })).rejects.toMatchObject({
      code: 'step_up_required',
    });
    const noReason = await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
      field: 'secret',
      reason: '  ',
    }).catch((e: unknown) => e);
    expect(noReason).toMatchObject({ code: 'bad_request', status: 400, fields: { reason: ['too_short:5'] } });
    await expect(
      revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
        field: 'secret',
        reason: 'x'.repeat(501),
      }),
    ).rejects.toMatchObject({ code: 'bad_request' });
    expect(await eventsOf(tenantA, 'payment_settings.revealed')).toHaveLength(0);
    expect(await alertsOf(tenantA)).toHaveLength(0);
  });

  it('reveals the right value for 30 seconds, audits it once with field and reason, and raises one alert', async () => {
    expect(
      await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
        field: 'secret',
        reason,
      }),
    ).toEqual({
      value: SECRET,
      expiresInSeconds: 30,
    });
    const events = await eventsOf(tenantA, 'payment_settings.revealed');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      outcome: 'success',
      actorLoginId: adminA.loginId,
      details: { siteId: siteA, field: 'secret', reason },
    });
    const eventJson = JSON.stringify(events[0]);
    expect(eventJson).not.toContain(SECRET);
    expect(eventJson).not.toContain(API_KEY);
    const raised = await alertsOf(tenantA);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ operatorId: adminA.operatorId, details: { siteId: siteA, field: 'secret' } });
    expect(JSON.stringify(raised[0])).not.toContain(SECRET);
    expect(JSON.stringify(await eventsOf(tenantA, 'alert.raised'))).not.toContain(SECRET);

    expect(
      (
        await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
          field: 'api_key',
          reason,
        })
      ).value,
    ).toBe(API_KEY);
  });

  it('audits the names of changed fields only, never values; an unchanged save writes nothing', async () => {
    const before = (await eventsOf(tenantA, 'payment_settings.updated')).length;
    const newSecret = 'sk_rotated_Vb7nM2kJ9hG4';
    const { fields } = await updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), siteA, {
      provider: 'GMOペイメントゲートウェイ',
      merchantId: 'PAYA09',
      endpoint: 'https://pt01.mul-pay.example.jp/payment/',
      apiKey: '',
      secret: newSecret,
    });
    expect(fields).toEqual(['merchant_id', 'secret']);
    const events = await eventsOf(tenantA, 'payment_settings.updated');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.details).toEqual({ siteId: siteA, fields: ['merchant_id', 'secret'] });
    const json = JSON.stringify(events.at(-1));
    for (const value of [newSecret, SECRET, API_KEY, 'PAYA09', 'PAYA01']) expect(json).not.toContain(value);
    expect(
      (
        await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
          field: 'secret',
          reason,
        })
      ).value,
    ).toBe(newSecret);
    expect(
      (
        await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA, {
          field: 'api_key',
          reason,
        })
      ).value,
    ).toBe(API_KEY);

    const same = await updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), siteA, {
      provider: 'GMOペイメントゲートウェイ',
      merchantId: 'PAYA09',
      endpoint: 'https://pt01.mul-pay.example.jp/payment/',
    });
    expect(same.fields).toEqual([]);
    expect(await eventsOf(tenantA, 'payment_settings.updated')).toHaveLength(before + 1);
  });

  it('refuses bad input with field errors, and needs a step-up to change settings', async () => {
    const good = { provider: 'SBペイメントサービス', merchantId: 'PAYA01', endpoint: 'https://api.example.jp/' };
    const bad = [
      [{ ...good, endpoint: 'http://api.example.jp/' }, 'endpoint'],
      [{ ...good, endpoint: 'https://user:pw@api.example.jp/' }, 'endpoint'],
      [{ ...good, merchantId: 'has space' }, 'merchantId'],
      [{ ...good, secret: 'short' }, 'secret'],
    ] as const;
    for (const [input, field] of bad) {
      await expect(
        updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), siteA, input),
      ).rejects.toMatchObject({
        code: 'bad_request',
        fields: { [field]: expect.any(Array) },
      });
    }
    await expect(
      checkAccess({ ...adminA, mfaVerifiedAt: null }, `${PAYMENT} updatePaymentSettingsAction`, { tenantId: tenantA }),
    ).rejects.toMatchObject({ code: 'step_up_required' });

    // A site added later has no settings until an admin enters both secrets.
    const fresh = await createSite(tenantA, 'fresh', SMALL);
    expect(
      (await getPaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.read'), fresh)).settings,
    ).toBeNull();
    await expect(
      updatePaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.write'), fresh, {
        ...good,
        apiKey: 'ak_fresh_12345678',
      }),
    ).rejects.toMatchObject({ code: 'bad_request', fields: { secret: ['required'] } });
    await expect(
      revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), fresh, { field: 'secret', reason }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("gives another tenant's operator a 404 for reading, revealing and changing", async () => {
    const input = {
      provider: 'x',
      merchantId: 'EVIL01',
      endpoint: 'https://evil.example.jp/',
      apiKey: 'ak_evil_12345678',
      secret: 'sk_evil_12345678',
    };
    // Asking for tenant A: the guard refuses every entry point before any lib code runs.
    for (const entry of [
      'app/t/[tenantId]/sites/[siteId]/payment/page.tsx',
      `${PAYMENT} revealSecretAction`,
      `${PAYMENT} updatePaymentSettingsAction`,
    ] as const)
      await expect(checkAccess(adminB, entry, { tenantId: tenantA })).rejects.toMatchObject({ code: 'not_found' });
    // With its own tenant's access and A's site id: the site is not in B, a 404 too.
    await expect(
      getPaymentSettings(tenantAccess(adminB, tenantB, 'payment_settings.read'), siteA),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      revealPaymentSecret(tenantAccess(adminB, tenantB, 'payment_settings.reveal'), siteA, { field: 'secret', reason }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      updatePaymentSettings(tenantAccess(adminB, tenantB, 'payment_settings.write'), siteA, input),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      getPaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.read'), 'not-a-uuid'),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      checkAccess(
        contextFor(tenantA, adminA.operatorId, 'tenant_operator'),
        'app/t/[tenantId]/sites/[siteId]/payment/page.tsx',
        {
          tenantId: tenantA,
        },
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(
      (await getPaymentSettings(tenantAccess(adminA, tenantA, 'payment_settings.read'), siteA)).settings?.merchantId,
    ).not.toBe('EVIL01');
    expect(await eventsOf(tenantB, 'payment_settings.revealed')).toHaveLength(0);
  });

  it("does not decrypt a ciphertext copied into another site's row, and audits the failed attempt", async () => {
    await superuserQuery(
      database.current().db,
      `update payment_settings set secret_ciphertext = (select secret_ciphertext from payment_settings where site_id = '${siteA}') where tenant_id = '${tenantA}' and site_id = '${siteA2}'`,
    );
    const alertsBefore = (await alertsOf(tenantA)).length;
    await expect(
      revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA2, {
        field: 'secret',
        reason,
      }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    const failed = (await eventsOf(tenantA, 'payment_settings.revealed')).filter((e) => e.outcome === 'failure');
    expect(failed).toHaveLength(1);
    expect(failed[0].details).toMatchObject({ siteId: siteA2, field: 'secret', error: 'undecryptable' });
    expect(await alertsOf(tenantA)).toHaveLength(alertsBefore);
    // The site's own API key still opens.
    expect(
      (
        await revealPaymentSecret(tenantAccess(adminA, tenantA, 'payment_settings.reveal'), siteA2, {
          field: 'api_key',
          reason,
        })
      ).value,
    ).toBe('ak_outlet_00000000');
  });

  it("lists the tenant's latest changes and reveals for its dashboard, newest first, without reasons", async () => {
    const recent = await getRecentPaymentSettingChanges(tenantAccess(adminA, tenantA, 'payment_settings.read'), 5);
    expect(recent).toHaveLength(5);
    expect(recent[0]).toMatchObject({
      action: 'payment_settings.revealed',
      siteId: siteA2,
      field: 'api_key',
      actorLoginId: adminA.loginId,
    });
    expect(recent.map((r) => r.seq)).toEqual([...recent.map((r) => r.seq)].sort((a, b) => b - a));
    const all = await getRecentPaymentSettingChanges(tenantAccess(adminA, tenantA, 'payment_settings.read'), 50);
    expect(all.find((r) => r.action === 'payment_settings.updated' && r.siteId === siteA)?.fields).toEqual([
      'merchant_id',
      'secret',
    ]);
    expect(JSON.stringify(all)).not.toContain(reason);
    expect(all.every((r) => r.siteId !== siteB)).toBe(true);
    expect(
      await getRecentPaymentSettingChanges(tenantAccess(adminB, tenantB, 'payment_settings.read'), 50),
    ).toHaveLength(1);
    // The dashboard that shows them is tenant A's: B's admin meets the guard's 404.
    await expect(checkAccess(adminB, 'app/t/[tenantId]/page.tsx', { tenantId: tenantA })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
