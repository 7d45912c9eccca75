import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, sessions, tenants } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { apiClient } from '@/lib/testing/api-client';
import { encodeCursor } from '@/lib/http/cursor';
import { apiCompany, platformTokenAdmin, eventsOf, idempotencyKey, problem } from '@/lib/testing/api-company';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { createApiToken } from './create-api-token';

/** Rotation campaigns, alerts and the platform's tenants through the typed client. */
setupTestDatabase();
afterEach(() => resetClock());

const inDays = (d: number) => new Date(now().getTime() + d * 86_400_000).toISOString();

describe('the rotation API', () => {
  it('starts a campaign once per key, reports it page by page, extends and cancels it', async () => {
    const c = await apiCompany(`rot${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['rotation:read', 'rotation:write'], { name: 'runbook' }));
    const path = { tenantId: c.tenantId };
    const header = idempotencyKey();
    const deadline = inDays(7);
    const start = () =>
      api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
        params: { path, header },
        body: { reason: 'Incident 2026-12: hashes exposed', deadline, revokeSessions: true },
      });
    const started = await start();
    expect([started.response.status, started.error]).toEqual([201, undefined]);
    expect(started.data).toEqual({ campaignId: expect.any(String), operators: 2, tenants: 1, sessionsEnded: 0 });
    expect((await start()).data).toEqual(started.data);
    expect(await eventsOf(c.tenantId, 'rotation.started')).toEqual([
      expect.objectContaining({ actor: 'api-token:runbook', operatorId: null }),
    ]);
    const on = { path: { ...path, campaignId: started.data!.campaignId } };

    const list = await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns', { params: { path } });
    expect(list.data!.campaigns).toEqual([
      expect.objectContaining({
        id: on.path.campaignId,
        status: 'active',
        startedBy: 'api-token:runbook',
        operators: 2,
      }),
    ]);
    const progress = await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}', { params: on });
    expect(progress.data!.totals).toEqual({ total: 2, rotated: 0, pending: 2, locked: 0, notLoggedInSince: 2 });
    const report = await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/operators', {
      params: on,
    });
    expect(report.data!.operators.map((o) => [o.loginId, o.status]).sort()).toEqual([
      [`${c.code}.admin`, 'pending'],
      [`${c.code}.staff`, 'pending'],
    ]);
    expect(report.data!.next).toBeNull();
    const forged = await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/operators', {
      params: { ...on, query: { after: encodeCursor('not-a-tenant', c.staffId) } },
    });
    expect(forged.error).toEqual(problem('bad_request', 400, { after: ['invalid_cursor'] }));

    const earlier = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/extend', {
      params: { ...on, header: idempotencyKey() },
      body: { deadline: inDays(3) },
    });
    expect(earlier.error).toEqual(problem('bad_request', 400, { deadline: ['not_later'] }));
    const later = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/extend', {
      params: { ...on, header: idempotencyKey() },
      body: { deadline: inDays(14) },
    });
    expect(later.data).toEqual({ deadline: expect.any(String) });
    const cancelled = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/cancel', {
      params: { ...on, header: idempotencyKey() },
    });
    expect(cancelled.data).toEqual({ released: 2 });
    const twice = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/cancel', {
      params: { ...on, header: idempotencyKey() },
    });
    expect(twice.error).toEqual(problem('conflict', 409, { campaign: ['not_active'] }));
  });

  it('ends every target’s sessions when asked, a token having none of its own to keep', async () => {
    const c = await apiCompany(`rts${Date.now().toString(36)}`);
    await withTenantTx(c.tenantId, (tx) =>
      tx.insert(sessions).values({
        tenantId: c.tenantId,
        operatorId: c.staffId,
        tokenHash: `h-${crypto.randomUUID()}`,
        expiresAt: new Date(now().getTime() + 3_600_000),
        ip: '192.0.2.1',
      } as never),
    );
    const started = await apiClient(await c.token(['rotation:write'])).POST(
      '/api/v1/tenants/{tenantId}/rotation-campaigns',
      {
        params: { path: { tenantId: c.tenantId }, header: idempotencyKey() },
        body: { reason: 'Incident: rotate now', deadline: inDays(1), revokeSessions: true },
      },
    );
    expect(started.data).toMatchObject({ operators: 2, sessionsEnded: 1 });
  });

  it('refuses bad input, other tenants’ campaigns and read-only tokens', async () => {
    const c = await apiCompany(`rtb${Date.now().toString(36)}`);
    const other = await apiCompany(`rtc${Date.now().toString(36)}`);
    const theirs = await apiClient(await other.token(['rotation:write'])).POST(
      '/api/v1/tenants/{tenantId}/rotation-campaigns',
      {
        params: { path: { tenantId: other.tenantId }, header: idempotencyKey() },
        body: { reason: 'their own rotation', deadline: inDays(7) },
      },
    );
    const api = apiClient(await c.token(['rotation:read', 'rotation:write']));
    const path = { tenantId: c.tenantId };
    const past = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
      params: { path, header: idempotencyKey() },
      body: { reason: 'too late', deadline: new Date(now().getTime() - 1000).toISOString() },
    });
    expect(past.error).toEqual(problem('bad_request', 400, { deadline: ['in_past'] }));
    const naive = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
      params: { path, header: idempotencyKey() },
      body: { reason: 'no zone', deadline: '2030-01-01T00:00' },
    });
    expect(naive.response.status).toBe(400);
    const on = { path: { ...path, campaignId: theirs.data!.campaignId } };
    for (const answer of [
      await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}', { params: on }),
      await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/operators', { params: on }),
      await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/extend', {
        params: { ...on, header: idempotencyKey() },
        body: { deadline: inDays(30) },
      }),
      await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}/cancel', {
        params: { ...on, header: idempotencyKey() },
      }),
    ])
      expect([answer.response.status, answer.error]).toEqual([404, problem('not_found', 404)]);
    expect(await eventsOf(other.tenantId, 'rotation.cancelled')).toEqual([]);
    const reader = apiClient(await c.token(['rotation:read']));
    const refused = await reader.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
      params: { path, header: idempotencyKey() },
      body: { reason: 'reader tries', deadline: inDays(7) },
    });
    expect(refused.error).toEqual(problem('forbidden', 403));
    expect(await eventsOf(c.tenantId, 'rotation.started')).toEqual([]);
  });
});

describe('platform-wide rotation', () => {
  it('a platform token starts a campaign over chosen tenants, each tenant’s chain saying so', async () => {
    const a = await apiCompany(`rpa${Date.now().toString(36)}`);
    const b = await apiCompany(`rpb${Date.now().toString(36)}`);
    const staff = platformTokenAdmin();
    const { token } = await createApiToken(staff, {
      name: 'platform-runbook',
      days: 30,
      scopes: ['rotation:read', 'rotation:write'],
    });
    const api = apiClient(token);
    const path = { tenantId: PLATFORM_TENANT_ID };
    const none = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
      params: { path, header: idempotencyKey() },
      body: { reason: 'platform rotation', deadline: inDays(7) },
    });
    expect(none.error).toEqual(problem('bad_request', 400, { tenantIds: ['choose_tenants'] }));
    const started = await api.POST('/api/v1/tenants/{tenantId}/rotation-campaigns', {
      params: { path, header: idempotencyKey() },
      body: { reason: 'platform rotation', deadline: inDays(7), tenantIds: [a.tenantId, b.tenantId] },
    });
    expect(started.data).toMatchObject({ operators: 4, tenants: 2 });
    for (const c of [a, b])
      expect((await eventsOf(c.tenantId, 'rotation.started'))[0]).toMatchObject({
        actor: 'api-token:platform-runbook',
        details: { operators: 2, campaignTenantId: PLATFORM_TENANT_ID },
      });
    const progress = await api.GET('/api/v1/tenants/{tenantId}/rotation-campaigns/{campaignId}', {
      params: { path: { ...path, campaignId: started.data!.campaignId } },
    });
    expect(progress.data!.tenants.map((t) => t.tenantCode).sort()).toEqual([a.code, b.code].sort());
    // A company's token reads none of the platform's campaigns.
    const company = apiClient(await a.token(['rotation:read']));
    const foreign = await company.GET('/api/v1/tenants/{tenantId}/rotation-campaigns', { params: { path } });
    expect(foreign.error).toEqual(problem('not_found', 404));
  });
});

describe('the alerts API', () => {
  it('pages alerts newest first and acknowledges one, once', async () => {
    const c = await apiCompany(`alr${Date.now().toString(36)}`);
    const ids: string[] = [];
    for (let i = 0; i < 52; i++) {
      ids.push(
        await withTenantTx(c.tenantId, (tx) =>
          raiseAlert(tx, { tenantId: c.tenantId, rule: 'failed_logins_account', details: { n: i } }),
        ),
      );
      advanceClock(1000);
    }
    const api = apiClient(await c.token(['alerts:read', 'alerts:write']));
    const path = { tenantId: c.tenantId };
    const first = await api.GET('/api/v1/tenants/{tenantId}/alerts', { params: { path } });
    expect(first.data!.alerts).toHaveLength(50);
    expect(first.data!.alerts[0].id).toBe(ids[51]);
    const second = await api.GET('/api/v1/tenants/{tenantId}/alerts', {
      params: { path, query: { after: first.data!.next! } },
    });
    expect(second.data!.alerts.map((a) => a.id)).toEqual([ids[1], ids[0]]);
    // A cursor made by hand is refused, not a 500.
    const forged = await api.GET('/api/v1/tenants/{tenantId}/alerts', {
      params: { path, query: { after: encodeCursor('not a time', ids[0]) } },
    });
    expect(forged.error).toEqual(problem('bad_request', 400, { after: ['invalid_cursor'] }));
    expect(second.data!.next).toBeNull();

    const ack = () =>
      api.POST('/api/v1/tenants/{tenantId}/alerts/{alertId}/acknowledge', {
        params: { path: { ...path, alertId: ids[0] }, header: idempotencyKey() },
      });
    expect((await ack()).response.status).toBe(204);
    expect((await ack()).error).toEqual(problem('not_found', 404));
    const open = await api.GET('/api/v1/tenants/{tenantId}/alerts', {
      params: { path, query: { open: 'true', after: first.data!.next! } },
    });
    expect(open.data!.alerts.map((a) => a.id)).toEqual([ids[1]]);
    expect((await eventsOf(c.tenantId, 'alert.acknowledged'))[0]).toMatchObject({
      actor: 'api-token:sync-alerts:read+alerts:write',
    });

    const other = await apiCompany(`als${Date.now().toString(36)}`);
    const cross = await apiClient(await other.token(['alerts:write'])).POST(
      '/api/v1/tenants/{tenantId}/alerts/{alertId}/acknowledge',
      { params: { path: { tenantId: other.tenantId, alertId: ids[1] }, header: idempotencyKey() } },
    );
    expect(cross.error).toEqual(problem('not_found', 404));
  });
});

describe('the tenants API (platform tokens)', () => {
  it('lists, creates, suspends and reactivates tenants; a company’s token can do none of it', async () => {
    const staff = platformTokenAdmin();
    const { token } = await createApiToken(staff, {
      name: 'provisioning',
      days: 30,
      scopes: ['tenants:read', 'tenants:write'],
    });
    const api = apiClient(token);
    const code = `tn${Date.now().toString(36)}`;
    const created = await api.POST('/api/v1/tenants', {
      params: { header: idempotencyKey() },
      body: { code, name: '株式会社テスト' },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ code, status: 'active', operators: 0 });
    const tenantId = created.data!.id;
    const [row] = await withPlatformTx((tx) =>
      tx.select({ totp: tenants.totpRequired }).from(tenants).where(eq(tenants.id, tenantId)),
    );
    expect(row.totp).toBe(true);
    expect((await eventsOf(tenantId, 'tenant.created'))[0].actor).toBe('api-token:provisioning');
    const taken = await api.POST('/api/v1/tenants', {
      params: { header: idempotencyKey() },
      body: { code, name: 'x' },
    });
    expect(taken.error).toEqual(problem('conflict', 409, { code: ['taken'] }));

    const listed = await api.GET('/api/v1/tenants', { params: { query: { q: code } } });
    expect(listed.data!.tenants.map((t) => t.id)).toEqual([tenantId]);

    const suspended = await api.POST('/api/v1/tenants/{tenantId}/suspend', {
      params: { path: { tenantId }, header: idempotencyKey() },
      body: { reason: 'contract ended' },
    });
    expect(suspended.data).toEqual({ status: 'suspended', sessionsEnded: 0 });
    const back = await api.POST('/api/v1/tenants/{tenantId}/reactivate', {
      params: { path: { tenantId }, header: idempotencyKey() },
      body: { reason: 'contract renewed' },
    });
    expect(back.data).toEqual({ status: 'active', sessionsEnded: 0 });
    expect((await eventsOf(tenantId, 'tenant.suspended'))[0].actor).toBe('api-token:provisioning');
    const platformItself = await api.POST('/api/v1/tenants/{tenantId}/suspend', {
      params: { path: { tenantId: PLATFORM_TENANT_ID }, header: idempotencyKey() },
      body: { reason: 'not a customer' },
    });
    expect(platformItself.error).toEqual(problem('not_found', 404));

    // A company cannot hold platform scopes, and its token cannot reach platform routes.
    const c = await apiCompany(`tnc${Date.now().toString(36)}`);
    await expect(c.token(['tenants:read'])).rejects.toMatchObject({
      code: 'bad_request',
      fields: { scopes: ['platform_only'] },
    });
    const company = apiClient(await c.token(['operators:read', 'operators:write']));
    expect((await company.GET('/api/v1/tenants', {})).error).toEqual(problem('forbidden', 403));
    const suspendOwn = await company.POST('/api/v1/tenants/{tenantId}/suspend', {
      params: { path: { tenantId: c.tenantId }, header: idempotencyKey() },
      body: { reason: 'suspend myself' },
    });
    expect(suspendOwn.error).toEqual(problem('forbidden', 403));
    const [own] = await withPlatformTx((tx) =>
      tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, c.tenantId)),
    );
    expect(own.status).toBe('active');
    // The platform's token reads no company's operators: it holds no company scope.
    const staffRead = await api.GET('/api/v1/tenants/{tenantId}/operators', {
      params: { path: { tenantId: c.tenantId } },
    });
    expect(staffRead.error).toEqual(problem('forbidden', 403));
  });
});
