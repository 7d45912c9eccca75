import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, apiTokens, tenants, type ApiScope } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { hashSessionToken } from '@/lib/crypto/session-token';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { decideIp } from '@/lib/allowlists/allowlist';
import { layerRules, listRefs } from '@/lib/allowlists/ip-allowlist-rules';
import { blockVersionsOf, findIpBlock } from '@/lib/allowlists/ip-block-rules';
import { recordIpBlockRefusal } from '@/lib/allowlists/record-ip-block-refusal';
import { noteCaller } from '@/lib/observability/request-store';

export const createTokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  days: z.coerce.number().int().min(1).max(365),
});

/** A token for one tenant with the `audit:read` scope; the secret is returned once. */
export async function createApiToken(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof createTokenInput>,
) {
  const tenantId = ctx.granted.tenantId;
  const token = `mmr_${randomBytes(32).toString('base64url')}`;
  return withTenantTx(tenantId, async (tx) => {
    const expiresAt = new Date(now().getTime() + input.days * 86_400_000);
    const [row] = await tx
      .insert(apiTokens)
      .values({
        tenantId,
        name: input.name,
        tokenHash: hashSessionToken(token),
        scope: 'audit:read',
        createdByLoginId: ctx.loginId,
        expiresAt,
      })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, {
      tenantId,
      action: 'api_token.created',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'api_token', id: row.id },
      details: { name: input.name, scope: 'audit:read', expiresAt: expiresAt.toISOString() },
    });
    return { id: row.id, token, expiresAt };
  });
}

export async function listApiTokens(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, (tx) =>
    tx
      .select({
        id: apiTokens.id,
        name: apiTokens.name,
        scope: apiTokens.scope,
        createdByLoginId: apiTokens.createdByLoginId,
        createdAt: apiTokens.createdAt,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
        lastUsedAt: apiTokens.lastUsedAt,
        lastUsedIp: apiTokens.lastUsedIp,
      })
      .from(apiTokens)
      .where(eq(apiTokens.tenantId, tenantId))
      .orderBy(desc(apiTokens.createdAt)),
  );
}

export async function revokeApiToken(ctx: SteppedUp<TenantAccess<'security.write'>>, tokenId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const done = await tx
      .update(apiTokens)
      .set({ revokedAt: now() })
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (done.length === 0) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'api_token.revoked',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'api_token', id: tokenId },
      details: {},
    });
  });
}

export interface TokenContext {
  tokenId: string;
  tenantId: string;
  name: string;
  scope: ApiScope;
  ip: string;
}

/**
 * Authenticates a bearer token for a route that needs `scope`: unknown, revoked and expired
 * tokens, suspended tenants, addresses outside the tenant's IP allowlist and a token without the
 * scope are refused. Every use and every refusal of a known token is audited.
 */
export async function authenticateApiToken(
  bearer: string,
  scope: ApiScope,
  ip: string,
  userAgent: string | null,
  action: string,
): Promise<TokenContext> {
  if (!/^mmr_[A-Za-z0-9_-]{43}$/.test(bearer)) throw new AppError('unauthenticated');
  const [row] = await withPlatformTx((tx) =>
    tx
      .select({
        tenantId: apiTokens.tenantId,
        id: apiTokens.id,
        name: apiTokens.name,
        scope: apiTokens.scope,
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
    if (row.scope !== scope) {
      await recordAudit(tx, {
        ...base,
        action: 'access.denied',
        outcome: 'denied',
        details: { permission: scope, reason: 'token_scope', request: action },
      });
      return 'scope_denied' as const;
    }
    await tx
      .update(apiTokens)
      .set({ lastUsedAt: now(), lastUsedIp: ip })
      .where(and(eq(apiTokens.tenantId, row.tenantId), eq(apiTokens.id, row.id)));
    await recordAudit(tx, { ...base, action: 'api_token.used', outcome: 'success', details: { request: action } });
    return { tokenId: row.id, tenantId: row.tenantId, name: row.name, scope: row.scope, ip };
  }).then((r) => {
    if (r === 'ip_denied') throw new AppError('ip_denied');
    if (r === 'scope_denied') throw new AppError('forbidden');
    noteCaller({ tenantId: r.tenantId, tokenId: r.tokenId });
    return r;
  });
}
