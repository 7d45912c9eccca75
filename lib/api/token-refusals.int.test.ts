import { afterEach, describe, expect, it } from 'vitest';
import { PLATFORM_SCOPES, API_SCOPES, type ApiScope } from '@/db/schema';
import { ACCESS, type AccessRule } from '@/lib/auth/access-table';
import { advanceClock, resetClock } from '@/lib/clock';
import { serveApi } from '@/lib/testing/api-client';
import { apiCompany, platformTokenAdmin, eventsOf, problem } from '@/lib/testing/api-company';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { API_OPERATIONS } from './api-operations';
import type { Operation } from './operation';
import { createApiToken } from './create-api-token';
import { revokeApiToken } from './revoke-api-token';

/**
 * Every API operation, table-driven: each refusal a token can meet happens before anything is
 * read or written (no token, an expired or revoked one, a token without the operation's scope,
 * another company's token, a call from outside the token's networks), and a POST's refusal
 * after the guard is kept for its Idempotency-Key like any answer.
 */
setupTestDatabase();
afterEach(() => resetClock());

const operations = Object.entries(API_OPERATIONS) as [string, Operation][];
const scopeOf = (op: Operation) =>
  (ACCESS as Record<string, AccessRule & { scope?: ApiScope; platform?: true }>)[op.entry];
const missing = '7d3f1c52-8a7e-4f0b-9a51-3b8f4c2d1e60';

/** A body each operation accepts, so a call gets past input parsing (to a 404 for the made-up ids). */
function sampleBody(op: Operation, code: string): string {
  const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const bodies: Record<string, object> = {
    createOperator: { loginId: `${code}.sample`, displayName: 'Sample' },
    updateOperator: { displayName: 'Sample' },
    replaceIpAllowlist: { entries: [] },
    replacePasswordPolicy: { minLength: 12, maxAgeDays: null },
    replaceTotpPolicy: { required: false },
    startRotationCampaign: { reason: 'sample campaign', deadline: later },
    extendRotationCampaign: { deadline: later },
    createTenant: { code: `${code}-new`, name: 'Sample' },
  };
  return JSON.stringify(bodies[op.operationId] ?? (op.body ? { reason: 'sample reason' } : {}));
}

function call(
  op: Operation,
  tenantId: string,
  token: string | null,
  ip = '192.0.2.5',
  key = crypto.randomUUID(),
  body = '{}',
) {
  const path = op.path.replace('{tenantId}', tenantId).replace(/\{\w+\}/g, missing);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'if-match': '*' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (op.method === 'POST') headers['idempotency-key'] = key;
  return serveApi(
    new Request(`http://mamori.test${path}`, {
      method: op.method,
      headers,
      body: op.method === 'GET' ? undefined : body,
    }),
    ip,
  );
}

const answer = async (r: Response) => [r.status, await r.json()];

describe('every API operation', () => {
  it('refuses a missing, expired, revoked, unscoped, foreign or out-of-network token', async () => {
    const c = await apiCompany(`trf${Date.now().toString(36)}`);
    const other = await apiCompany(`trg${Date.now().toString(36)}`);
    const platform = platformTokenAdmin();
    const platformToken = async (scopes: ApiScope[], extra: { networks?: string; name?: string } = {}) =>
      (await createApiToken(platform, { name: 'platform', days: 30, scopes, ...extra })).token;
    const companyScopes = API_SCOPES.filter((s) => !PLATFORM_SCOPES.includes(s));

    for (const [name, op] of operations) {
      const rule = scopeOf(op);
      const scope = rule.scope!;
      const mint = rule.platform ? platformToken : c.token;
      const tenantId = c.tenantId;
      const allBut = (rule.platform ? API_SCOPES : companyScopes).filter((s) => s !== scope);

      expect(await answer(await call(op, tenantId, null)), name).toEqual([401, problem('unauthenticated', 401)]);
      expect(await answer(await call(op, tenantId, await mint(allBut, { name: 'all-but-one' }))), name).toEqual([
        403,
        problem('forbidden', 403),
      ]);
      const bound = await mint([scope], { networks: '198.51.100.0/24 office' });
      expect(await answer(await call(op, tenantId, bound)), name).toEqual([403, problem('ip_denied', 403)]);
      if (!rule.platform) {
        const foreign = await other.token([scope]);
        expect(await answer(await call(op, tenantId, foreign)), name).toEqual([404, problem('not_found', 404)]);
      }
      const { token: revoked, id } = await createApiToken(rule.platform ? platform : c.admin, {
        name: 'revoked',
        days: 30,
        scopes: [scope],
      });
      await revokeApiToken(rule.platform ? platform : c.admin, id);
      expect(await answer(await call(op, tenantId, revoked)), name).toEqual([401, problem('unauthenticated', 401)]);
    }
    expect((await eventsOf(c.tenantId, 'access.denied_ip')).length).toBeGreaterThanOrEqual(
      operations.filter(([, op]) => !scopeOf(op).platform).length,
    );
    expect(
      (await eventsOf(other.tenantId, 'access.denied')).every(
        (e) => (e.details as { reason: string }).reason === 'not_member',
      ),
    ).toBe(true);

    // Expiry: every token minted above is past its 30 days.
    const expiring = await c.token(['operators:read']);
    advanceClock(31 * 86_400_000);
    const list = operations.find(([n]) => n === 'listOperatorsOp')![1];
    expect(await answer(await call(list, c.tenantId, expiring))).toEqual([401, problem('unauthenticated', 401)]);
  });

  it('answers a retried POST with its first answer (a refusal included), and refuses its key for another request', async () => {
    const c = await apiCompany(`tri${Date.now().toString(36)}`);
    const platform = platformTokenAdmin();
    const posts = operations.filter(([, op]) => op.method === 'POST');
    expect(posts.length).toBeGreaterThan(10);
    for (const [name, op] of posts) {
      const rule = scopeOf(op);
      const token = rule.platform
        ? (await createApiToken(platform, { name: 'p', days: 1, scopes: [rule.scope!] })).token
        : await c.token([rule.scope!]);
      const key = crypto.randomUUID();
      const body = sampleBody(op, c.code);
      const first = await call(op, c.tenantId, token, '192.0.2.5', key, body);
      expect(first.headers.get('idempotent-replayed'), name).toBeNull();
      expect(first.status, name).not.toBe(400);
      const firstBody = await first.text();
      const again = await call(op, c.tenantId, token, '192.0.2.5', key, body);
      expect([again.status, again.headers.get('idempotent-replayed'), await again.text()], name).toEqual([
        first.status,
        'true',
        firstBody,
      ]);
      // The same key with another request (here: one more field, which parsing drops) is refused.
      const another = JSON.stringify({ ...JSON.parse(body), note: 'another request' });
      const other = await call(op, c.tenantId, token, '192.0.2.5', key, another);
      expect([other.status, await other.json()], name).toEqual([
        422,
        problem('idempotency_key_reused', 422, { 'Idempotency-Key': ['reused'] }),
      ]);
    }
  });
});
