import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { apiIdempotencyKeys, operators } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { apiClient } from '@/lib/testing/api-client';
import { apiCompany, eventsOf, problem } from '@/lib/testing/api-company';
import { createOperator } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { createApiToken } from './create-api-token';
import { revokeApiToken } from './revoke-api-token';

/**
 * The operators API through the typed client generated from the OpenAPI document, served by the
 * route files themselves: each route's answer, each refusal a token can meet, idempotent retries,
 * and another tenant's ids.
 */
setupTestDatabase();
afterEach(() => resetClock());

const company = apiCompany;
const events = eventsOf;
const key = () => crypto.randomUUID();

describe('the operators API', () => {
  it('lists, creates, reads, changes and acts on operators, each change audited as the token', async () => {
    const c = await company(`opa${Date.now().toString(36)}`);
    const { code } = c;
    const api = apiClient(await c.token(['operators:read', 'operators:write']));
    const path = { tenantId: c.tenantId };

    const list = await api.GET('/api/v1/tenants/{tenantId}/operators', { params: { path } });
    expect(list.response.status).toBe(200);
    expect(list.response.headers.get('cache-control')).toBe('no-store');
    expect(list.data!.operators.map((o) => o.loginId).sort()).toEqual([`${code}.admin`, `${code}.staff`]);
    expect(list.data!.next).toBeNull();

    const created = await api.POST('/api/v1/tenants/{tenantId}/operators', {
      params: { path, header: { 'Idempotency-Key': key() } },
      body: { loginId: `${code}.new`, displayName: '新人 太郎', email: 'new@example.jp' },
    });
    expect(created.response.status).toBe(201);
    expect(created.data!.operator).toMatchObject({
      loginId: `${code}.new`,
      role: 'tenant_operator',
      mustChangePassword: true,
      status: 'active',
    });
    expect(created.data!.temporaryPassword.length).toBeGreaterThanOrEqual(16);
    const id = created.data!.operator.id;
    const [createdEvent] = await events(c.tenantId, 'operator.created');
    expect(createdEvent).toMatchObject({
      actor: expect.stringMatching(/^api-token:sync-/),
      operatorId: null,
      sessionId: null,
    });
    expect(createdEvent.details).toMatchObject({ apiTokenId: expect.any(String), loginId: `${code}.new` });

    const on = { path: { ...path, operatorId: id } };
    const got = await api.GET('/api/v1/tenants/{tenantId}/operators/{operatorId}', { params: on });
    expect(got.data).toMatchObject({ id, displayName: '新人 太郎', liveSessions: 0, createdAt: expect.any(String) });

    const patched = await api.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
      params: on,
      body: { displayName: '新人 花子', role: 'tenant_operator' },
    });
    expect(patched.data).toMatchObject({ displayName: '新人 花子', role: 'tenant_operator', email: 'new@example.jp' });

    // A token never makes an admin (that takes a person's second factor), but may unmake one.
    const promote = await api.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
      params: on,
      body: { displayName: 'x', role: 'tenant_admin' },
    });
    expect([promote.response.status, promote.error]).toEqual([
      403,
      problem('forbidden', 403, { role: ['admin_needs_person'] }),
    ]);
    const newAdmin = await api.POST('/api/v1/tenants/{tenantId}/operators', {
      params: { path, header: { 'Idempotency-Key': key() } },
      body: { loginId: `${code}.boss`, displayName: 'Boss', role: 'tenant_admin' },
    });
    expect(newAdmin.error).toEqual(problem('forbidden', 403, { role: ['admin_needs_person'] }));
    const second = await createOperator(c.tenantId, `${code}.admin2`, 'correct horse battery 3', 'tenant_admin');
    const demoted = await api.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
      params: { path: { ...path, operatorId: second } },
      body: { role: 'tenant_operator' },
    });
    expect(demoted.data).toMatchObject({ role: 'tenant_operator' });
    expect((await events(c.tenantId, 'operator.role_changed')).map((e) => e.details)).toEqual([
      expect.objectContaining({ before: 'tenant_admin', after: 'tenant_operator' }),
    ]);
    expect((await api.GET('/api/v1/tenants/{tenantId}/operators/{operatorId}', { params: on })).data).toMatchObject({
      displayName: '新人 花子',
    });

    const reason = 'HR system: contract ended';
    for (const [route, action] of [
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/force-password-change', 'password.change_forced'],
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/unlock', 'operator.unlocked'],
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/reset-totp', 'mfa.reset'],
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/end-sessions', 'sessions.revoked_bulk'],
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/disable', 'operator.disabled'],
      ['/api/v1/tenants/{tenantId}/operators/{operatorId}/enable', 'operator.enabled'],
    ] as const) {
      const done = await api.POST(route, { params: { ...on, header: { 'Idempotency-Key': key() } }, body: { reason } });
      expect(done.response.status, route).toBe(200);
      expect(done.data!.operator.id).toBe(id);
      expect(await events(c.tenantId, action), action).toEqual([
        expect.objectContaining({ actor: expect.stringMatching(/^api-token:/) }),
      ]);
    }
  });

  it('answers a retried POST with its first answer, never a second operator, and refuses a reused key', async () => {
    const c = await company(`opi${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['operators:write']));
    const { code } = c;
    const k = key();
    const send = (loginId: string, idempotencyKey = k) =>
      api.POST('/api/v1/tenants/{tenantId}/operators', {
        params: { path: { tenantId: c.tenantId }, header: { 'Idempotency-Key': idempotencyKey } },
        body: { loginId, displayName: 'Retry' },
      });
    const first = await send(`${code}.retry`);
    const again = await send(`${code}.retry`);
    expect(again.response.status).toBe(201);
    expect(again.response.headers.get('idempotent-replayed')).toBe('true');
    expect(again.data).toEqual(first.data);
    expect(await events(c.tenantId, 'operator.created')).toHaveLength(1);
    // Kept sealed: the stored answer holds the temporary password, which is not readable at rest.
    const [stored] = await withPlatformTx((tx) =>
      tx.select({ body: apiIdempotencyKeys.body }).from(apiIdempotencyKeys).where(eq(apiIdempotencyKeys.key, k)),
    );
    expect(stored.body).toMatch(/^v2\./);
    expect(stored.body).not.toContain(first.data!.temporaryPassword);

    const other = await send(`${code}.other`);
    expect([other.response.status, other.error]).toEqual([
      422,
      problem('idempotency_key_reused', 422, { 'Idempotency-Key': ['reused'] }),
    ]);

    // A refusal is an answer too: the retry is refused the same way, without acting.
    const k2 = key();
    const taken = await send(`${code}.retry`, k2);
    expect([taken.response.status, taken.error]).toEqual([409, problem('conflict', 409, { loginId: ['taken'] })]);
    expect((await send(`${code}.retry`, k2)).response.headers.get('idempotent-replayed')).toBe('true');

    // After a day the key is forgotten: the same key acts anew.
    advanceClock(24 * 3_600_000 + 1000);
    const later = await send(`${code}.later`);
    expect(later.response.status).toBe(201);
    expect(later.response.headers.get('idempotent-replayed')).toBeNull();

    const missing = await api.POST('/api/v1/tenants/{tenantId}/operators', {
      params: { path: { tenantId: c.tenantId }, header: {} as { 'Idempotency-Key': string } },
      body: { loginId: `${code}.nokey`, displayName: 'No key' },
    });
    expect([missing.response.status, missing.error]).toEqual([
      400,
      problem('bad_request', 400, { 'Idempotency-Key': ['required'] }),
    ]);
  });

  it('refuses bad input with a 400 naming its fields, and changes nothing', async () => {
    const c = await company(`opb${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['operators:read', 'operators:write']));
    const path = { tenantId: c.tenantId };
    const bad = await api.POST('/api/v1/tenants/{tenantId}/operators', {
      params: { path, header: { 'Idempotency-Key': key() } },
      body: { loginId: 'x', displayName: '', email: 'not-mail', role: 'root' as never },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.response.headers.get('content-type')).toBe('application/problem+json');
    expect(Object.keys(bad.error!.fields!).sort()).toEqual(['displayName', 'email', 'loginId', 'role']);
    const prefix = await api.POST('/api/v1/tenants/{tenantId}/operators', {
      params: { path, header: { 'Idempotency-Key': key() } },
      body: { loginId: 'othercompany.alice', displayName: 'Alice' },
    });
    expect([prefix.response.status, prefix.error]).toEqual([
      400,
      problem('bad_request', 400, { loginId: ['tenant_prefix'] }),
    ]);
    const cursor = await api.GET('/api/v1/tenants/{tenantId}/operators', {
      params: { path, query: { after: 'junk' } },
    });
    expect([cursor.response.status, cursor.error]).toEqual([
      400,
      problem('bad_request', 400, { after: ['invalid_cursor'] }),
    ]);
    const unknown = await api.GET('/api/v1/tenants/{tenantId}/operators', {
      params: { path, query: { tenant: 'other' } as never },
    });
    expect(unknown.error).toEqual(problem('bad_request', 400, { tenant: ['unknown'] }));
    const repeated = await api.GET('/api/v1/tenants/{tenantId}/operators', {
      params: { path, query: { q: ['a', 'b'] } as never },
    });
    expect(repeated.error).toEqual(problem('bad_request', 400, { q: ['repeated'] }));
    const unknownOnGet = await api.GET('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
      params: { path: { ...path, operatorId: c.staffId }, query: { expand: 'all' } as never },
    });
    expect(unknownOnGet.error).toEqual(problem('bad_request', 400, { expand: ['unknown'] }));
    const empty = await api.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
      params: { path: { ...path, operatorId: c.staffId } },
      body: {},
    });
    expect([empty.response.status, empty.error]).toEqual([
      400,
      problem('bad_request', 400, { displayName: ['nothing_to_change'] }),
    ]);
    const short = await api.POST('/api/v1/tenants/{tenantId}/operators/{operatorId}/disable', {
      params: { path: { ...path, operatorId: c.staffId }, header: { 'Idempotency-Key': key() } },
      body: { reason: 'x' },
    });
    expect([short.response.status, short.error]).toEqual([
      400,
      problem('bad_request', 400, { reason: ['too_short:3'] }),
    ]);
    const lastAdmin = await api.POST('/api/v1/tenants/{tenantId}/operators/{operatorId}/disable', {
      params: { path: { ...path, operatorId: c.adminId }, header: { 'Idempotency-Key': key() } },
      body: { reason: 'the last admin' },
    });
    expect(lastAdmin.response.status).toBe(409);
    expect(await events(c.tenantId, 'operator.created')).toHaveLength(0);
    expect(await events(c.tenantId, 'operator.disabled')).toHaveLength(0);
  });

  it('refuses a missing, expired, revoked, unscoped, foreign or out-of-network token, each audited', async () => {
    const c = await company(`opr${Date.now().toString(36)}`);
    const other = await company(`ops${Date.now().toString(36)}`);
    const path = { tenantId: c.tenantId };
    const list = (api: ReturnType<typeof apiClient>) =>
      api.GET('/api/v1/tenants/{tenantId}/operators', { params: { path } });

    expect((await list(apiClient(null))).error).toEqual(problem('unauthenticated', 401));
    const reader = await c.token(['operators:read']);
    const write = await apiClient(reader).POST('/api/v1/tenants/{tenantId}/operators/{operatorId}/unlock', {
      params: { path: { ...path, operatorId: c.staffId }, header: { 'Idempotency-Key': key() } },
      body: { reason: 'locked out' },
    });
    expect([write.response.status, write.error]).toEqual([403, problem('forbidden', 403)]);
    expect((await list(apiClient(await c.token(['audit:read'])))).error).toEqual(problem('forbidden', 403));
    expect((await events(c.tenantId, 'access.denied')).map((e) => (e.details as { reason: string }).reason)).toEqual([
      'token_scope',
      'token_scope',
    ]);

    const foreign = await list(apiClient(await other.token(['operators:read'])));
    expect([foreign.response.status, foreign.error]).toEqual([404, problem('not_found', 404)]);
    expect((await events(other.tenantId, 'access.denied'))[0].details).toMatchObject({ reason: 'not_member' });

    const bound = await c.token(['operators:read'], { networks: '198.51.100.0/24 office' });
    expect((await list(apiClient(bound, '192.0.2.5'))).error).toEqual(problem('ip_denied', 403));
    expect((await list(apiClient(bound, '198.51.100.7'))).response.status).toBe(200);

    const { token: revoked, id: revokedId } = await createApiToken(c.admin, {
      name: 'old sync',
      days: 30,
      scopes: ['operators:read'],
    });
    await revokeApiToken(c.admin, revokedId);
    expect((await list(apiClient(revoked))).error).toEqual(problem('unauthenticated', 401));

    const expiring = await c.token(['operators:read'], { days: 1 });
    advanceClock(86_400_000 + 1000);
    expect((await list(apiClient(expiring))).error).toEqual(problem('unauthenticated', 401));
  });

  it('answers another tenant’s operator ids as not found, on every route that takes one', async () => {
    const c = await company(`opx${Date.now().toString(36)}`);
    const other = await company(`opy${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['operators:read', 'operators:write']));
    const on = { path: { tenantId: c.tenantId, operatorId: other.staffId } };
    const header = () => ({ 'Idempotency-Key': key() });
    const answers = [
      await api.GET('/api/v1/tenants/{tenantId}/operators/{operatorId}', { params: on }),
      await api.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', { params: on, body: { displayName: 'x' } }),
      ...(await Promise.all(
        (['disable', 'enable', 'unlock', 'force-password-change', 'reset-totp', 'end-sessions'] as const).map((a) =>
          api.POST(`/api/v1/tenants/{tenantId}/operators/{operatorId}/${a}`, {
            params: { ...on, header: header() },
            body: { reason: 'cross-tenant probe' },
          }),
        ),
      )),
      await api.GET('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
        params: { path: { ...on.path, operatorId: 'not-a-uuid' } },
      }),
    ];
    for (const a of answers) expect([a.response.status, a.error]).toEqual([404, problem('not_found', 404)]);
    const untouched = await withPlatformTx((tx) =>
      tx
        .select({ name: operators.displayName, status: operators.status })
        .from(operators)
        .where(eq(operators.id, other.staffId)),
    );
    expect(untouched).toEqual([{ name: expect.stringMatching(/\.staff$/), status: 'active' }]);
  });
});
