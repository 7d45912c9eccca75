import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { operators } from '@/db/schema';
import { apiClient } from '@/lib/testing/api-client';
import { apiCompany, eventsOf, problem } from '@/lib/testing/api-company';
import { setupTestDatabase } from '@/lib/testing/test-db';

/**
 * The IP allowlist and the policies through the typed client: ETags, If-Match (a stale write is a
 * 412 and changes nothing), the lockout guard, and the allowlist's dry run.
 */
setupTestDatabase();

const OFFICE = '203.0.113.10';
const list = '/api/v1/tenants/{tenantId}/ip-allowlist';

describe('the IP allowlist API', () => {
  it('replaces the list only with the ETag last read, and never locks out its caller', async () => {
    const c = await apiCompany(`ala${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['allowlist:read', 'allowlist:write']), OFFICE);
    const path = { tenantId: c.tenantId };

    const empty = await api.GET(list, { params: { path } });
    expect(empty.data).toEqual({ mode: 'enforce', entries: [], monitoredLast7Days: 0 });
    const tag = empty.response.headers.get('etag')!;
    expect(tag).toMatch(/^"[\w-]{22}"$/);

    const body = { entries: [{ cidr: '203.0.113.0/24', label: 'Tokyo office' }, { cidr: '2001:db8::/32' }] };
    const missing = await api.PUT(list, { params: { path, header: {} as { 'If-Match': string } }, body });
    expect([missing.response.status, missing.error]).toEqual([428, problem('precondition_required', 428)]);

    const saved = await api.PUT(list, { params: { path, header: { 'If-Match': tag } }, body });
    expect(saved.data).toEqual({ dryRun: false, count: 2, added: 2, removed: 0 });
    const newTag = saved.response.headers.get('etag')!;
    expect(newTag).not.toBe(tag);
    const read = await api.GET(list, { params: { path } });
    expect(read.response.headers.get('etag')).toBe(newTag);
    expect(read.data!.entries.map((e) => [e.cidr, e.label, e.createdBy])).toEqual([
      ['2001:db8::/32', '', 'api-token:sync-allowlist:read+allowlist:write'],
      ['203.0.113.0/24', 'Tokyo office', 'api-token:sync-allowlist:read+allowlist:write'],
    ]);
    expect((await eventsOf(c.tenantId, 'ip_allowlist.updated'))[0]).toMatchObject({
      actor: 'api-token:sync-allowlist:read+allowlist:write',
      details: { added: ['203.0.113.0/24', '2001:db8::/32'], apiTokenId: expect.any(String) },
    });

    // A second admin's write with the old tag is refused and changes nothing.
    const stale = await api.PUT(list, { params: { path, header: { 'If-Match': tag } }, body: { entries: [] } });
    expect([stale.response.status, stale.error]).toEqual([
      412,
      problem('precondition_failed', 412, { 'If-Match': [`stale:${newTag}`] }),
    ]);
    expect((await api.GET(list, { params: { path } })).data!.entries).toHaveLength(2);

    // A list without the caller's own address is refused as a lockout.
    const lockout = await api.PUT(list, {
      params: { path, header: { 'If-Match': newTag } },
      body: { entries: [{ cidr: '198.51.100.0/24', label: 'elsewhere' }] },
    });
    expect([lockout.response.status, lockout.error]).toEqual([
      409,
      problem('conflict', 409, { entries: [`lockout:${OFFICE}`] }),
    ]);
    expect(await eventsOf(c.tenantId, 'ip_allowlist.updated')).toHaveLength(1);
  });

  it('answers a dry run with what would change and whom it would refuse, writing nothing', async () => {
    const c = await apiCompany(`ald${Date.now().toString(36)}`);
    await withPlatformTx((tx) =>
      tx
        .update(operators)
        .set({ lastLoginIp: '198.51.100.20', lastLoginAt: new Date() })
        .where(eq(operators.id, c.staffId)),
    );
    const api = apiClient(await c.token(['allowlist:read', 'allowlist:write']), OFFICE);
    const path = { tenantId: c.tenantId };
    const tag = (await api.GET(list, { params: { path } })).response.headers.get('etag')!;
    const dry = await api.PUT(list, {
      params: { path, query: { dryRun: 'true' }, header: { 'If-Match': tag } },
      body: { entries: [{ cidr: '203.0.113.0/24', label: 'office' }] },
    });
    expect(dry.data).toEqual({
      dryRun: true,
      mode: 'enforce',
      count: 1,
      added: ['203.0.113.0/24'],
      removed: [],
      callerAllowed: true,
      refusedOperators: [
        { operatorId: c.staffId, loginId: `${c.code}.staff`, lastLoginIp: '198.51.100.20', refusedBy: 'tenant' },
      ],
      refusedOperatorCount: 1,
    });
    const locked = await api.PUT(list, {
      params: { path, query: { dryRun: 'true' }, header: { 'If-Match': tag } },
      body: { entries: [{ cidr: '198.51.100.0/24', label: 'home' }] },
    });
    expect(locked.data).toMatchObject({ callerAllowed: false, refusedOperators: [] });
    expect((await api.GET(list, { params: { path } })).data!.entries).toEqual([]);
    expect(await eventsOf(c.tenantId, 'ip_allowlist.updated')).toEqual([]);
  });

  it('refuses junk, unconfirmed host bits and allow-everything entries by field', async () => {
    const c = await apiCompany(`alb${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['allowlist:write']), OFFICE);
    const header = { 'If-Match': '*' };
    const put = (body: object) =>
      api.PUT(list, { params: { path: { tenantId: c.tenantId }, header }, body: body as never });
    expect((await put({ entries: [{ cidr: '10.0.0.1/33' }] })).error).toEqual(
      problem('bad_request', 400, { entries: ['entry:1:invalid_prefix:10.0.0.1/33'] }),
    );
    expect((await put({ entries: [{ cidr: '203.0.113.10/24' }] })).error).toEqual(
      problem('bad_request', 400, { confirmHostBits: ['host_bits:1:203.0.113.10/24:203.0.113.0/24'] }),
    );
    expect((await put({ entries: [{ cidr: '0.0.0.0/0' }] })).error).toEqual(
      problem('bad_request', 400, { confirmAnyAddress: ['any_address:0.0.0.0/0'] }),
    );
    expect((await put({ entries: [{ cidr: '203.0.113.0/24', label: 'two\nlines' }] })).response.status).toBe(400);
    // A comment line in the editor's format is not an entry: refused, never silently dropped.
    expect((await put({ entries: [{ cidr: '#10.0.0.0/8' }] })).error).toEqual(
      problem('bad_request', 400, { entries: ['invalid_format'] }),
    );
    expect((await put({ entries: [{ cidr: '203.0.113.0/24', label: 'two  spaces' }] })).response.status).toBe(400);
    expect((await put({ entries: 'not a list' })).error).toEqual(
      problem('bad_request', 400, { entries: expect.any(Array) }),
    );
    // A read-only token may not write.
    const reader = apiClient(await c.token(['allowlist:read']), OFFICE);
    const refused = await reader.PUT(list, {
      params: { path: { tenantId: c.tenantId }, header },
      body: { entries: [] },
    });
    expect(refused.error).toEqual(problem('forbidden', 403));
    expect(await eventsOf(c.tenantId, 'ip_allowlist.updated')).toEqual([]);
  });
});

describe('the policy API', () => {
  it('reads and replaces the password and TOTP policies with ETags', async () => {
    const c = await apiCompany(`pol${Date.now().toString(36)}`);
    const api = apiClient(await c.token(['policy:read', 'policy:write']));
    const path = { tenantId: c.tenantId };

    const pw = await api.GET('/api/v1/tenants/{tenantId}/password-policy', { params: { path } });
    expect(pw.data).toEqual({ minLength: 12, maxAgeDays: null });
    const pwTag = pw.response.headers.get('etag')!;
    const set = await api.PUT('/api/v1/tenants/{tenantId}/password-policy', {
      params: { path, header: { 'If-Match': pwTag } },
      body: { minLength: 14, maxAgeDays: null },
    });
    expect(set.data).toEqual({ minLength: 14, maxAgeDays: null });
    expect(set.response.headers.get('etag')).not.toBe(pwTag);
    const stale = await api.PUT('/api/v1/tenants/{tenantId}/password-policy', {
      params: { path, header: { 'If-Match': pwTag } },
      body: { minLength: 16, maxAgeDays: 90 },
    });
    expect(stale.response.status).toBe(412);
    const short = await api.PUT('/api/v1/tenants/{tenantId}/password-policy', {
      params: { path, header: { 'If-Match': '*' } },
      body: { minLength: 8, maxAgeDays: null },
    });
    expect(short.error).toEqual(problem('bad_request', 400, { minLength: ['at_least:12'] }));
    expect((await api.GET('/api/v1/tenants/{tenantId}/password-policy', { params: { path } })).data).toEqual({
      minLength: 14,
      maxAgeDays: null,
    });
    expect(await eventsOf(c.tenantId, 'password_policy.updated')).toHaveLength(1);

    const totp = await api.GET('/api/v1/tenants/{tenantId}/totp-policy', { params: { path } });
    expect(totp.data).toEqual({ required: false, graceUntil: null });
    const required = await api.PUT('/api/v1/tenants/{tenantId}/totp-policy', {
      params: { path, header: { 'If-Match': totp.response.headers.get('etag')! } },
      body: { required: true, graceDays: 7 },
    });
    expect(required.data).toEqual({ required: true, graceUntil: expect.any(String) });
    expect(required.response.headers.get('etag')).toBe(
      (await api.GET('/api/v1/tenants/{tenantId}/totp-policy', { params: { path } })).response.headers.get('etag'),
    );
    const again = await api.PUT('/api/v1/tenants/{tenantId}/totp-policy', {
      params: { path, header: { 'If-Match': totp.response.headers.get('etag')! } },
      body: { required: false },
    });
    expect(again.response.status).toBe(412);
    expect((await eventsOf(c.tenantId, 'mfa.policy_updated')).map((e) => e.actor)).toEqual([
      'api-token:sync-policy:read+policy:write',
    ]);

    const reader = apiClient(await c.token(['policy:read']));
    expect(
      (
        await reader.PUT('/api/v1/tenants/{tenantId}/totp-policy', {
          params: { path, header: { 'If-Match': '*' } },
          body: { required: false },
        })
      ).error,
    ).toEqual(problem('forbidden', 403));
  });
});
