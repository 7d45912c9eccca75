import 'server-only';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, apiTokens, tenants, type ApiScope } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { hashSessionToken } from '@/lib/crypto/session-token';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { decideIp, rangesContain, rangesOf } from '@/lib/allowlists/allowlist';
import { layerRules, listRefs } from '@/lib/allowlists/ip-allowlist-rules';
import { blockVersionsOf, findIpBlock } from '@/lib/allowlists/ip-block-rules';
import { recordIpBlockRefusal } from '@/lib/allowlists/record-ip-block-refusal';
import { parseIp } from '@/lib/ip/ip';
import { env } from '@/lib/env';
import { noteCaller } from '@/lib/observability/request-store';

export interface TokenContext {
  tokenId: string;
  tenantId: string;
  name: string;
  scopes: ApiScope[];
  ip: string;
  userAgent: string | null;
}

/**
 * Authenticates a bearer token for a route that needs `scope`: unknown, revoked and expired
 * tokens, suspended tenants, blocked addresses, addresses outside the tenant's IP allowlist or
 * the token's own networks, a token without the scope, and a request for another tenant than the
 * token's (`onTenant`, from the route's path; answered like a missing tenant) are refused. Every
 * use and every refusal of a known token is audited.
 */
export async function authenticateApiToken(
  bearer: string,
  scope: ApiScope,
  ip: string,
  userAgent: string | null,
  action: string,
  onTenant?: string,
): Promise<TokenContext> {
  if (!/^mmr_[A-Za-z0-9_-]{43}$/.test(bearer)) throw new AppError('unauthenticated');
  const [row] = await withPlatformTx((tx) =>
    tx
      .select({
        tenantId: apiTokens.tenantId,
        id: apiTokens.id,
        name: apiTokens.name,
        scopes: apiTokens.scopes,
        allowedCidrs: apiTokens.allowedCidrs,
        tenantStatus: tenants.status,
        tenantBlocks: tenants.ipBlockVersion,
        platformBlocks: sql<number>`(select p.ip_block_version from tenants p where p.id = ${PLATFORM_TENANT_ID})`,
      })
      .from(apiTokens)
      .innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
      .where(
        and(
          eq(apiTokens.tokenHash, hashSessionToken(bearer)),
          isNull(apiTokens.revokedAt),
          gt(apiTokens.expiresAt, now()),
        ),
      ),
  );
  if (!row || row.tenantStatus !== 'active') throw new AppError('unauthenticated');
  const block = await findIpBlock(ip, row.tenantId, blockVersionsOf(row.tenantBlocks, row.platformBlocks));
  if (block) {
    await withTenantTx(row.tenantId, (tx) =>
      recordIpBlockRefusal(
        tx,
        {
          tenantId: row.tenantId,
          actor: { operatorId: null, loginId: `api-token:${row.name}` },
          target: { type: 'api_token', id: row.id },
          ip,
          userAgent,
        },
        block,
        'api',
      ),
    );
    throw new AppError('ip_denied');
  }
  return withTenantTx(row.tenantId, async (tx) => {
    const refs = await listRefs(tx, row.tenantId, '00000000-0000-0000-0000-000000000000');
    const decision = decideIp(ip, await layerRules(tx, row.tenantId, { tenant: refs.tenant, operator: null }), null);
    const base = {
      tenantId: row.tenantId,
      actor: { operatorId: null, loginId: `api-token:${row.name}` },
      target: { type: 'api_token', id: row.id },
      ip,
      userAgent,
    };
    if (!decision.allowed) {
      await recordAudit(tx, {
        ...base,
        action: 'access.denied_ip',
        outcome: 'denied',
        details: { layer: decision.deniedBy, at: 'api' },
      });
      return 'ip_denied' as const;
    }
    const address = parseIp(ip);
    if (row.allowedCidrs.length > 0 && !(address && rangesContain(rangesOf(row.allowedCidrs), address))) {
      await recordAudit(tx, {
        ...base,
        action: 'access.denied_ip',
        outcome: 'denied',
        details: { layer: 'token', at: 'api' },
      });
      return 'ip_denied' as const;
    }
    if (!row.scopes.includes(scope)) {
      await recordAudit(tx, {
        ...base,
        action: 'access.denied',
        outcome: 'denied',
        details: { permission: scope, reason: 'token_scope', request: action },
      });
      return 'scope_denied' as const;
    }
    if (onTenant !== undefined && onTenant !== row.tenantId) {
      await recordAudit(tx, {
        ...base,
        action: 'access.denied',
        outcome: 'denied',
        details: { permission: scope, reason: 'not_member', request: action, tenant: onTenant.slice(0, 64) },
      });
      return 'not_member' as const;
    }
    // One statement notes the use and counts it in its minute (a row lock: exact across instances).
    const at = now();
    const minute = new Date(Math.floor(at.getTime() / 60_000) * 60_000);
    const [counted] = await tx
      .update(apiTokens)
      .set({
        lastUsedAt: at,
        lastUsedIp: ip,
        rateWindow: minute,
        rateCalls: sql`case when ${apiTokens.rateWindow} = ${minute.toISOString()}::timestamptz then ${apiTokens.rateCalls} + 1 else 1 end`,
      })
      .where(and(eq(apiTokens.tenantId, row.tenantId), eq(apiTokens.id, row.id)))
      .returning({ calls: apiTokens.rateCalls });
    const limit = env().MAMORI_API_CALLS_PER_MINUTE;
    if (counted.calls > limit) {
      // The first refusal of a minute is audited; the rest of a flood only counts.
      if (counted.calls === limit + 1)
        await recordAudit(tx, {
          ...base,
          action: 'access.denied',
          outcome: 'denied',
          details: { permission: scope, reason: 'rate_limited', request: action, limitPerMinute: limit },
        });
      return { limited: (minute.getTime() + 60_000 - at.getTime()) / 1000 };
    }
    await recordAudit(tx, { ...base, action: 'api_token.used', outcome: 'success', details: { request: action } });
    return { tokenId: row.id, tenantId: row.tenantId, name: row.name, scopes: row.scopes, ip, userAgent };
  }).then((r) => {
    if (r === 'ip_denied') throw new AppError('ip_denied');
    if (r === 'scope_denied') throw new AppError('forbidden');
    if (r === 'not_member') throw new AppError('not_found');
    if ('limited' in r) throw new AppError('too_many_requests', undefined, r.limited);
    noteCaller({ tenantId: r.tenantId, tokenId: r.tokenId });
    return r;
  });
}
