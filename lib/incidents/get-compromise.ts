import 'server-only';
import { desc, eq, sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { compromiseDeclarations } from '@/db/schema';
import { now } from '@/lib/clock';
import type { TenantAccess } from '@/lib/kernel/access';

/**
 * The owner's compromise declaration (the active one, else the latest ended) with its live
 * progress per covered tenant: what was voided there (summed for the declaration; `pending` counts
 * tenants not voided yet), operators who have set a new password since, and who have a second
 * factor established since (any, unless seeds were voided); credentials from before that are still
 * live (should be none); sites whose payment-gateway keys are to be rotated at the gateway.
 */
export async function getCompromise(ctx: TenantAccess<'security.write' | 'audit.read'>) {
  const owner = ctx.granted.tenantId;
  return withOwnerTx(
    owner,
    async (tx) => {
      const [declaration] = await tx
        .select({
          id: compromiseDeclarations.id,
          reason: compromiseDeclarations.reason,
          voidBefore: compromiseDeclarations.voidBefore,
          reenrollTotp: compromiseDeclarations.reenrollTotp,
          declaredAt: compromiseDeclarations.declaredAt,
          declaredByLoginId: compromiseDeclarations.declaredByLoginId,
          keptSessionId: compromiseDeclarations.keptSessionId,
          endedAt: compromiseDeclarations.endedAt,
          endedByLoginId: compromiseDeclarations.endedByLoginId,
        })
        .from(compromiseDeclarations)
        .where(eq(compromiseDeclarations.tenantId, owner))
        .orderBy(sql`${compromiseDeclarations.endedAt} is null desc`, desc(compromiseDeclarations.declaredAt))
        .limit(1);
      if (!declaration) return null;
      const before = declaration.voidBefore.toISOString();
      const at = now().toISOString();
      const rows = rowsOf<{
        tenant_id: string;
        name: string;
        applied: boolean;
        voided_operators: number;
        sessions_ended: number;
        tokens_revoked: number;
        totp_voided: number;
        recovery_codes_voided: number;
        webhooks_rotated: number;
        operators: number;
        passwords_changed: number;
        factor_established: number;
        old_sessions_live: number;
        old_tokens_live: number;
        payment_sites: number;
      }>(
        await tx.execute(sql`
          select t.id as tenant_id, t.name, ct.applied_at is not null as applied, ct.operators as voided_operators,
            ct.sessions_ended, ct.tokens_revoked, ct.totp_voided, ct.recovery_codes_voided, ct.webhooks_rotated,
            (select count(*)::int from operators o where o.tenant_id = t.id and o.status = 'active') as operators,
            (select count(*)::int from operators o where o.tenant_id = t.id and o.status = 'active'
               and o.password_changed_at >= ${before} and not o.must_change_password) as passwords_changed,
            (select count(*)::int from totp_credentials c join operators o on o.tenant_id = c.tenant_id and o.id = c.operator_id
              where c.tenant_id = t.id and o.status = 'active' and c.status = 'active'
                and (not ${declaration.reenrollTotp} or c.created_at >= ${before})) as factor_established,
            (select count(*)::int from sessions s where s.tenant_id = t.id and s.revoked_at is null
               and s.created_at < ${before} and s.expires_at > ${at}
               and s.id is distinct from ${declaration.keptSessionId}) as old_sessions_live,
            (select count(*)::int from api_tokens k where k.tenant_id = t.id and k.revoked_at is null
               and k.created_at < ${before}) as old_tokens_live,
            (select count(*)::int from payment_settings p where p.tenant_id = t.id) as payment_sites
          from compromise_tenants ct join tenants t on t.id = ct.tenant_id
         where ct.owner_tenant_id = ${owner} and ct.declaration_id = ${declaration.id}
         order by t.name`),
      );
      const tenants = rows.map((r) => ({
        tenantId: r.tenant_id,
        name: r.name,
        operators: Number(r.operators),
        passwordsChanged: Number(r.passwords_changed),
        factorEstablished: Number(r.factor_established),
        oldSessionsLive: Number(r.old_sessions_live),
        oldTokensLive: Number(r.old_tokens_live),
        paymentSites: Number(r.payment_sites),
        applied: r.applied,
      }));
      const sum = (key: keyof (typeof rows)[number]) => rows.reduce((n, r) => n + Number(r[key]), 0);
      const voided = {
        operators: sum('voided_operators'),
        sessionsEnded: sum('sessions_ended'),
        tokensRevoked: sum('tokens_revoked'),
        totpVoided: sum('totp_voided'),
        recoveryCodesVoided: sum('recovery_codes_voided'),
        webhooksRotated: sum('webhooks_rotated'),
      };
      // Tenants not yet voided: the declaration is still being applied (or is resumed after a crash).
      const pending = rows.filter((r) => !r.applied).length;
      return { declaration: { ...declaration, ...voided, pending }, tenants };
    },
    { readOnly: true },
  );
}
