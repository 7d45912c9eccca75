import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { useTestDatabase } from '@/lib/testing/test-db';
import { raiseAlert } from './raise-alert';
import { MAX_ATTEMPTS, backoffMs, deliverWebhooks, getAlertWebhook, setAlertWebhook, webhookInput } from './webhooks';

useTestDatabase();
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
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function tenantWithHook(path: string) {
  const tenantId = await createTenant(`wh-${path}-${Date.now()}`);
  const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
  const { secret } = await setAlertWebhook(admin, tenantId, { url: `${base}/${path}` });
  return { tenantId, admin, secret: secret! };
}

describe('alert webhooks', () => {
  it('accepts https, and plain http only to this machine outside production', () => {
    expect(webhookInput.safeParse({ url: 'https://siem.example.jp/hook' }).success).toBe(true);
    expect(webhookInput.safeParse({ url: '' }).success).toBe(true);
    expect(webhookInput.safeParse({ url: 'http://siem.example.jp/hook' }).success).toBe(false);
    expect(webhookInput.safeParse({ url: 'https://user:pw@siem.example.jp/' }).success).toBe(false);
    expect(webhookInput.safeParse({ url: 'javascript:alert(1)' }).success).toBe(false);
  });

  it('posts each alert once, signed with HMAC-SHA256 over the time and the body', async () => {
    answer = 200;
    const { tenantId, admin, secret } = await tenantWithHook('ok');
    received.length = 0;
    await withTenantTx(tenantId, (tx) => raiseAlert(tx, { tenantId, rule: 'secret_revealed', operator: { operatorId: null, loginId: 'x.admin' }, details: { field: 'secret' } }));
    expect(await deliverWebhooks()).toBe(1);
    expect(await deliverWebhooks()).toBe(0);
    expect(received).toHaveLength(1);
    const { body, signature } = received[0];
    expect(JSON.parse(body)).toMatchObject({ tenantId, rule: 'secret_revealed', loginId: 'x.admin', details: { field: 'secret' } });
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
    expect((await getAlertWebhook(admin, tenantId)).deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
  });

  it('retries a failing receiver with growing back-off, shows the failure, and gives up after the last attempt', async () => {
    answer = 503;
    const { tenantId, admin } = await tenantWithHook('down');
    await withTenantTx(tenantId, (tx) => raiseAlert(tx, { tenantId, rule: 'pii_bulk_view', details: {} }));
    await deliverWebhooks();
    expect((await getAlertWebhook(admin, tenantId)).deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503' });
    // Not before its time.
    expect(await deliverWebhooks()).toBe(0);
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      advanceClock(backoffMs(attempt - 1) + 1000);
      expect(await deliverWebhooks()).toBe(1);
    }
    expect((await getAlertWebhook(admin, tenantId)).deliveries[0]).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    advanceClock(7 * 3_600_000);
    expect(await deliverWebhooks()).toBe(0);
  });

  it("keeps each tenant's deliveries to itself", async () => {
    answer = 200;
    const a = await tenantWithHook('a');
    const b = await tenantWithHook('b');
    await withTenantTx(a.tenantId, (tx) => raiseAlert(tx, { tenantId: a.tenantId, rule: 'export_over_quota', details: {} }));
    await deliverWebhooks();
    expect((await getAlertWebhook(a.admin, a.tenantId)).deliveries).toHaveLength(1);
    expect((await getAlertWebhook(b.admin, b.tenantId)).deliveries).toHaveLength(0);
  });
});
