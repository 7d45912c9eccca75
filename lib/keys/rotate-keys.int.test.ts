import { createCipheriv, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents, auditStreams, paymentSettings, tenants, totpCredentials } from '@/db/schema';
import { keyring, open, parseKeyring, seal } from '@/lib/crypto/keyring';
import { streamSecretContext } from '@/lib/streams/stream-secret-context';
import { openPaymentSecret } from '@/lib/ec/payment-crypto';
import { now } from '@/lib/clock';
import { totpAt } from '@/lib/mfa/otp';
import { verifySecondFactor } from '@/lib/mfa/verify-second-factor';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { rotateKeys } from './rotate-keys';

setupTestDatabase();

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A ciphertext as the first keyring wrote it: the key itself, associated data only where given. */
function legacy(plaintext: string, context?: string) {
  const ring = keyring();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.current)!, iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    ring.current,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

const code = () => totpAt(SEED, Math.floor(now().getTime() / 1000));

async function world() {
  const code = `keys${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const tenantId = await createTenant(code);
  const siteId = await createSite(tenantId, 'main');
  const a = await createOperator(tenantId, `${code}.a`, 'a long enough password');
  const b = await createOperator(tenantId, `${code}.b`, 'a long enough password');
  await withPlatformTx(async (tx) => {
    await tx
      .insert(totpCredentials)
      .values({ tenantId, operatorId: a, secretCiphertext: legacy(SEED), keyId: keyring().current, status: 'active' });
    await tx.insert(paymentSettings).values({
      tenantId,
      siteId,
      provider: 'p',
      merchantId: 'M1',
      endpoint: 'https://pay.example.jp/',
      apiKeyCiphertext: legacy('ak_123456789', `payment_settings:${tenantId}:${siteId}:api_key`),
      apiKeyLast4: '6789',
      secretCiphertext: legacy('sk_123456789', `payment_settings:${tenantId}:${siteId}:secret`),
      secretLast4: '6789',
      updatedByLoginId: 'x',
    });
    await tx
      .update(tenants)
      .set({ alertWebhookSecretCiphertext: legacy('whsec', `alert_webhook:${tenantId}`) })
      .where(eq(tenants.id, tenantId));
    const streamId = crypto.randomUUID();
    await tx.insert(auditStreams).values({
      tenantId,
      id: streamId,
      name: 'siem',
      kind: 'https_json',
      format: 'mamori',
      url: 'https://siem.example.jp/in',
      secretCiphertext: seal('stream-secret', 'whsec_stream', streamSecretContext(tenantId, streamId)).ciphertext,
      cursorSeq: 0,
      cursorHash: '0'.repeat(64),
      createdByLoginId: 'x',
    });
  });
  return { tenantId, siteId, a, b };
}

const sealed = (tenantId: string) =>
  withPlatformTx(async (tx) => ({
    totp: (
      await tx
        .select({ c: totpCredentials.secretCiphertext, k: totpCredentials.keyId })
        .from(totpCredentials)
        .where(eq(totpCredentials.tenantId, tenantId))
    ).map((r) => r.c),
    payment: (
      await tx
        .select({ a: paymentSettings.apiKeyCiphertext, s: paymentSettings.secretCiphertext })
        .from(paymentSettings)
        .where(eq(paymentSettings.tenantId, tenantId))
    )[0],
    webhook: (
      await tx.select({ w: tenants.alertWebhookSecretCiphertext }).from(tenants).where(eq(tenants.id, tenantId))
    )[0].w!,
    stream: (
      await tx
        .select({ id: auditStreams.id, c: auditStreams.secretCiphertext })
        .from(auditStreams)
        .where(eq(auditStreams.tenantId, tenantId))
    )[0],
  }));

describe('keys for one purpose each', () => {
  it("re-encrypts the first keyring's secrets bound to their rows, keeps them working, and audits it", async () => {
    const w = await world();
    const result = await rotateKeys('legacy', 'upgrade');
    expect(result.reencrypted.totp_seeds).toBeGreaterThanOrEqual(1);
    const after = await sealed(w.tenantId);
    for (const c of [...after.totp, after.payment.a, after.payment.s, after.webhook])
      expect(c).toMatch(new RegExp(`^v2\\.${keyring().current}\\.`));
    const first = await code();
    expect(await withPlatformTx((tx) => verifySecondFactor(tx, w.tenantId, w.a, first))).toBe('totp');
    expect(openPaymentSecret(w.tenantId, w.siteId, 'secret', after.payment.s)).toBe('sk_123456789');
    const [event] = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, PLATFORM_TENANT_ID), eq(auditEvents.action, 'keys.rotated'))),
    );
    expect(event.details).toMatchObject({ reason: 'upgrade', pending: 'legacy', keyId: keyring().current });
    // Nothing left to do: a second run changes nothing and records nothing.
    expect(Object.values((await rotateKeys('legacy', 'upgrade')).reencrypted)).toEqual([0, 0, 0, 0, 0]);
  });

  it('refuses a ciphertext copied to another row: a moved TOTP seed verifies no code, a moved key does not open', async () => {
    const w = await world();
    await rotateKeys('legacy', 'upgrade');
    const { totp, payment } = await sealed(w.tenantId);
    await withPlatformTx((tx) =>
      tx.insert(totpCredentials).values({
        tenantId: w.tenantId,
        operatorId: w.b,
        secretCiphertext: totp[0],
        keyId: keyring().current,
        status: 'active',
      }),
    );
    const moved = await code();
    expect(await withPlatformTx((tx) => verifySecondFactor(tx, w.tenantId, w.b, moved))).toBeNull();
    // (The moved row would count as unreadable in every later rotation.)
    await withPlatformTx((tx) =>
      tx
        .delete(totpCredentials)
        .where(and(eq(totpCredentials.tenantId, w.tenantId), eq(totpCredentials.operatorId, w.b))),
    );
    expect(() => openPaymentSecret(w.tenantId, w.siteId, 'api_key', payment.s)).toThrow();
    const other = await createSite(w.tenantId, 'outlet');
    expect(() => openPaymentSecret(w.tenantId, other, 'secret', payment.s)).toThrow();
  });

  it('moves everything under a new key put first in the ring, and names what an absent key left unreadable', async () => {
    const w = await world();
    await rotateKeys('legacy', 'upgrade');
    const old = keyring();
    const next = parseKeyring(
      `next:${randomBytes(32).toString('base64')},${[...old.keys].map(([kid, k]) => `${kid}:${k.toString('base64')}`).join(',')}`,
    );
    const result = await rotateKeys('all', 'rotation', next);
    expect(result.keyId).toBe('next');
    expect(result.unreadable).toEqual({
      totp_seeds: 0,
      payment_api_keys: 0,
      payment_secrets: 0,
      webhook_secrets: 0,
      stream_secrets: 0,
    });
    const after = await sealed(w.tenantId);
    for (const c of [...after.totp, after.payment.a, after.payment.s, after.webhook, after.stream.c])
      expect(c).toMatch(/^v2\.next\./);
    expect(open('stream-secret', after.stream.c!, streamSecretContext(w.tenantId, after.stream.id), next)).toBe(
      'whsec_stream',
    );
    // A ring without the key those rows are under: nothing is lost, they are counted unreadable.
    const elsewhere = parseKeyring(`lost:${randomBytes(32).toString('base64')}`);
    const stuck = await rotateKeys('all', 'rotation', elsewhere);
    expect(stuck.unreadable.totp_seeds).toBeGreaterThanOrEqual(1);
    expect((await sealed(w.tenantId)).totp).toEqual(after.totp);
    const events = await withPlatformTx((tx) =>
      tx
        .select({ outcome: auditEvents.outcome, details: auditEvents.details })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.tenantId, PLATFORM_TENANT_ID),
            eq(auditEvents.action, 'keys.rotated'),
            sql`details->>'reason' = 'rotation'`,
          ),
        )
        .orderBy(auditEvents.seq),
    );
    expect(events.map((e) => e.outcome)).toEqual(['success', 'failure']);
  });
});
