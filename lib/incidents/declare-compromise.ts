import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { affectedRows, rowsOf, withOwnerTx } from '@/db';
import { compromiseDeclarations } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';
import { deadlineSchema } from '@/lib/passwords/campaign-deadline';
import { campaignScope, campaignTenantsInput } from '@/lib/passwords/campaign-scope';
import { applyCompromise } from './apply-compromise';

export const declareCompromiseInput = z.object({
  reason: reasonSchema,
  /** Credentials issued before this instant are void; empty means now. */
  voidBefore: z.preprocess((v) => (v === '' || v === null ? undefined : v), deadlineSchema.optional()),
  reenrollTotp: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  ...campaignTenantsInput.shape,
});

/**
 * Compromise mode: every credential issued before `voidBefore` (default now) is void, in the
 * granted tenant or, for the platform, in all or the chosen tenants. Sessions end (the declarer's
 * own stays, to follow the progress), API tokens are revoked, passwords must be changed at the
 * next login (which still asks for the second factor first), recovery codes are voided, TOTP
 * seeds too when they may have leaked, and alert-webhook secrets are replaced. The declaration is
 * one transaction (recorded in the owner's chain); each covered tenant is then voided in a
 * transaction of its own, set-based, and its chain records what it lost. A crash in between is
 * finished by resumeCompromises(). One active declaration per owner.
 */
export async function declareCompromise(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof declareCompromiseInput>,
) {
  const owner = ctx.granted.tenantId;
  const at = now();
  const voidBefore = input.voidBefore ?? at;
  if (voidBefore.getTime() > at.getTime()) throw new AppError('bad_request', { voidBefore: ['in_future'] });
  const id = await withOwnerTx(owner, async (tx) => {
    const [active] = await tx
      .select({ id: compromiseDeclarations.id })
      .from(compromiseDeclarations)
      .where(and(eq(compromiseDeclarations.tenantId, owner), isNull(compromiseDeclarations.endedAt)));
    if (active) throw new AppError('conflict', { reason: ['compromise_active'] });
    const scope = await campaignScope(tx, owner, input);
    const declarationId = crypto.randomUUID();
    await tx.insert(compromiseDeclarations).values({
      tenantId: owner,
      id: declarationId,
      reason: input.reason,
      voidBefore,
      reenrollTotp: input.reenrollTotp,
      declaredAt: at,
      declaredByLoginId: ctx.loginId,
      keptSessionId: ctx.sessionId,
    });
    const covered = affectedRows(
      await tx.execute(sql`
        insert into compromise_tenants (tenant_id, owner_tenant_id, declaration_id)
        select o.tenant_id, ${owner}, ${declarationId}
          from (select id as tenant_id from tenants where kind = 'tenant' or id = ${owner}) o
         where ${scope}`),
    );
    await recordAudit(tx, {
      tenantId: owner,
      action: 'compromise.declared',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'compromise', id: declarationId },
      details: {
        reason: input.reason,
        voidBefore: voidBefore.toISOString(),
        reenrollTotp: input.reenrollTotp,
        tenants: covered,
      },
    });
    return declarationId;
  });
  await applyCompromise(owner, id, byOperator(ctx));
  return withOwnerTx(
    owner,
    async (tx) => {
      const [sum] = rowsOf<{ tenants: number; operators: number; sessions_ended: number }>(
        await tx.execute(sql`
          select count(*)::int as tenants, coalesce(sum(operators), 0)::int as operators,
                 coalesce(sum(sessions_ended), 0)::int as sessions_ended
            from compromise_tenants where owner_tenant_id = ${owner} and declaration_id = ${id}`),
      );
      return { id, tenants: sum.tenants, operators: sum.operators, sessionsEnded: sum.sessions_ended };
    },
    { readOnly: true },
  );
}
