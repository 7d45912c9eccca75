import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { tenants } from '@/db/schema';
import { seal } from '@/lib/crypto/keyring';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { raiseAlert } from './raise-alert';
import {
  MAX_ATTEMPTS,
  backoffMs,
  deliverWebhooks,
  getAlertWebhook,
  setAlertWebhook,
  webhookInput,
  webhookSecretContext,
} from './webhooks';

setupTestDatabase();
afterEach(() => resetClock());

let server: Server;
let base = '';
let answer = 200;
const received: { body: string; signature: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['x-mamori-signature']) });
      res.writeHead(answer, answer >= 300 && answer < 400 ? { location: '/elsewhere' } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  // The test receiver on this machine is named; any other local address stays refused.
  process.env.MAMORI_OUTBOUND_TEST_RECEIVERS = `127.0.0.1:${port},localhost:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function tenantWithHook(path: string) {
  const tenantId = await createTenant(`wh-${path}-${Date.now()}`);
  const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
  const { secret } = await setAlertWebhook(tenantAccess(admin, tenantId, 'security.write'), { url: `${base}/${path}` });
  return { tenantId, admin, secret: secret! };
}

describe('alert webhooks', () => {
  it('accepts https to a public address; plain http and this machine only for a named test receiver', () => {
    const problem = (url: string) => {
      const r = webhookInput.safeParse({ url });
      return r.success ? null : r.error.issues[0].message;
    };
    expect(problem('https://siem.example.jp/hook')).toBeNull();
    expect(problem('')).toBeNull();
    expect(problem(`${base}/named`)).toBeNull();
    expect(problem('http://siem.example.jp/hook')).toBe('invalid_webhook_url');
    expect(problem('https://user:pw@siem.example.jp/')).toBe('invalid_webhook_url');
    expect(problem('javascript:alert(1)')).toBe('invalid_webhook_url');
    for (const inside of [
      'https://127.0.0.1/',
      'https://10.1.2.3/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[fd00:ec2::254]/',
      'https://localhost/',
      'https://intranet/',
      'https://100.100.100.200/',
    ]) {
      expect(problem(inside), inside).toBe('webhook_not_public');
    }
  });

  it('posts each alert once, signed with HMAC-SHA256 over the time and the body', async () => {
    answer = 200;
    const { tenantId, admin, secret } = await tenantWithHook('ok');
    received.length = 0;
    await withTenantTx(tenantId, (tx) =>
      raiseAlert(tx, {
        tenantId,
        rule: 'secret_revealed',
        operator: { operatorId: null, loginId: 'x.admin' },
        details: { field: 'secret' },
      }),
    );
    expect(await deliverWebhooks()).toBe(1);
    expect(await deliverWebhooks()).toBe(0);
    expect(received).toHaveLength(1);
    const { body, signature } = received[0];
    expect(JSON.parse(body)).toMatchObject({
      tenantId,
      rule: 'secret_revealed',
      loginId: 'x.admin',
      details: { field: 'secret' },
    });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect((await getAlertWebhook(tenantAccess(admin, tenantId, 'security.write'))).deliveries[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatus: 200,
    });
  });

  it('retries a failing receiver with growing back-off, shows the failure, and gives up after the last attempt', async () => {
    answer = 503;
    const { tenantId, admin } = await tenantWithHook('down');
    await withTenantTx(tenantId, (tx) => raiseAlert(tx, { tenantId, rule: 'pii_bulk_view', details: {} }));
    await deliverWebhooks();
    expect((await getAlertWebhook(tenantAccess(admin, tenantId, 'security.write'))).deliveries[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatus: 503,
      lastError: 'http_status',
    });
    // Not before its time.
    expect(await deliverWebhooks()).toBe(0);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      advanceClock(backoffMs(attempt - 1) + 1000);
      expect(await deliverWebhooks()).toBe(1);
    }
    expect((await getAlertWebhook(tenantAccess(admin, tenantId, 'security.write'))).deliveries[0]).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
    });
    advanceClock(7 * 3_600_000);
    expect(await deliverWebhooks()).toBe(0);
  });

  it("keeps each tenant's deliveries to itself", async () => {
    answer = 200;
    const a = await tenantWithHook('a');
    const b = await tenantWithHook('b');
    await withTenantTx(a.tenantId, (tx) =>
      raiseAlert(tx, { tenantId: a.tenantId, rule: 'export_over_quota', details: {} }),
    );
    await deliverWebhooks();
    expect((await getAlertWebhook(tenantAccess(a.admin, a.tenantId, 'security.write'))).deliveries).toHaveLength(1);
    expect((await getAlertWebhook(tenantAccess(b.admin, b.tenantId, 'security.write'))).deliveries).toHaveLength(0);
  });
  it('refuses a name that resolves inside at saving and at every delivery, without connecting, and shows a generic error', async () => {
    const tenantId = await createTenant(`wh-inside-${Date.now()}`);
    const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    // localhost on another port than the named receiver: refused when saved.
    await expect(
      setAlertWebhook(tenantAccess(admin, tenantId, 'security.write'), { url: 'https://localhost:9/hook' }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      fields: { url: ['webhook_not_public'] },
    });
    await expect(
      setAlertWebhook(tenantAccess(admin, tenantId, 'security.write'), { url: 'https://no-such-host.invalid/hook' }),
    ).rejects.toMatchObject({
      code: 'bad_request',
      fields: { url: ['webhook_unresolvable'] },
    });
    // A URL that was saved and later points inside (here written straight into the row, as a
    // name whose answer changed would): the delivery is refused before any connection.
    const secret = seal('webhook-secret', 'whsec_test', webhookSecretContext(tenantId)).ciphertext;
    await withPlatformTx((tx) =>
      tx
        .update(tenants)
        .set({ alertWebhookUrl: 'https://localhost:9/hook', alertWebhookSecretCiphertext: secret })
        .where(eq(tenants.id, tenantId)),
    );
    await withTenantTx(tenantId, (tx) => raiseAlert(tx, { tenantId, rule: 'secret_revealed', details: {} }));
    received.length = 0;
    await deliverWebhooks();
    expect(received).toHaveLength(0);
    expect((await getAlertWebhook(tenantAccess(admin, tenantId, 'security.write'))).deliveries[0]).toMatchObject({
      status: 'pending',
      lastStatus: null,
      lastError: 'refused_address',
    });
  });

  it("follows no redirect: a 3xx is the receiver's answer, and its Location is never visited", async () => {
    answer = 302;
    const { tenantId, admin } = await tenantWithHook('moved');
    received.length = 0;
    await withTenantTx(tenantId, (tx) => raiseAlert(tx, { tenantId, rule: 'secret_revealed', details: {} }));
    await deliverWebhooks();
    expect(received.map((r) => JSON.parse(r.body).rule)).toEqual(['secret_revealed']);
    expect((await getAlertWebhook(tenantAccess(admin, tenantId, 'security.write'))).deliveries[0]).toMatchObject({
      status: 'pending',
      lastStatus: 302,
      lastError: 'http_status',
    });
  });
});
