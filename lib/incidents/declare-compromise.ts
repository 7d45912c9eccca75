import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx, type Tx } from '@/db';
import { PLATFORM_TENANT_ID, compromiseDeclarations, tenants } from '@/db/schema';
import { webhookSecretContext } from '@/lib/alerts/webhooks';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { seal } from '@/lib/crypto/keyring';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';
import { deadlineSchema } from '@/lib/passwords/campaign-deadline';
import { campaignScope, campaignTenantsInput } from '@/lib/passwords/campaign-scope';

export const declareCompromiseInput = z.object({
  reason: reasonSchema,
  /** Credentials issued before this instant are void; empty means now. */
  voidBefore: z.preprocess((v) => (v === '' || v === null ? undefined : v), deadlineSchema.optional()),
  reenrollTotp: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  ...campaignTenantsInput.shape,
});

type Counts = Record<'operators' | 'sessions' | 'tokens' | 'totp' | 'codes' | 'webhooks', number>;

/** Runs a set-based statement that returns `tenant_id, n` rows; adds them into the per-tenant counts. */
async function perTenant(tx: Tx, into: Map<string, Counts>, key: keyof Counts, statement: ReturnType<typeof sql>) {
  for (const r of rowsOf<{ tenant_id: string; n: number }>(await tx.execute(statement))) {
    const c = into.get(r.tenant_id);
    if (c) c[key] += Number(r.n);
  }
}

/**
 * Compromise mode: every credential issued before `voidBefore` (default now) is void, in the
 * granted tenant or, for the platform, in all or the chosen tenants. Sessions end (the declarer's
 * own stays, to follow the progress), API tokens are revoked, passwords must be changed at the
 * next login (which still asks for the second factor first), recovery codes are voided, TOTP
 * seeds too when they may have leaked, and alert-webhook secrets are replaced. Set-based, in one
 * transaction; each covered tenant's chain records what it lost. One active declaration per owner.
 */
export async function declareCompromise(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof declareCompromiseInput>,
) {
  const owner = ctx.granted.tenantId;
  const at = now();
  const voidBefore = input.voidBefore ?? at;
  if (voidBefore.getTime() > at.getTime()) throw new AppError('bad_request', { voidBefore: ['in_future'] });
  return withOwnerTx(owner, async (tx) => {
    const [active] = await tx
      .select({ id: compromiseDeclarations.id })
      .from(compromiseDeclarations)
      .where(and(eq(compromiseDeclarations.tenantId, owner), isNull(compromiseDeclarations.endedAt)));
    if (active) throw new AppError('conflict', { reason: ['compromise_active'] });
    const scope = await campaignScope(tx, owner, input);
    const id = crypto.randomUUID();
    await tx.insert(compromiseDeclarations).values({
      tenantId: owner,
      id,
      reason: input.reason,
      voidBefore,
      reenrollTotp: input.reenrollTotp,
      declaredAt: at,
      declaredByLoginId: ctx.loginId,
      keptSessionId: ctx.sessionId,
    });
    const covered = rowsOf<{ tenant_id: string }>(
      await tx.execute(sql`
        insert into compromise_tenants (tenant_id, owner_tenant_id, declaration_id)
        select o.tenant_id, ${owner}, ${id}
          from (select id as tenant_id from tenants where kind = 'tenant' or id = ${owner}) o
         where ${scope}
        returning tenant_id`),
    );
    const counts = new Map<string, Counts>(
      covered.map((c) => [c.tenant_id, { operators: 0, sessions: 0, tokens: 0, totp: 0, codes: 0, webhooks: 0 }]),
    );
    const covers = sql`(select tenant_id from compromise_tenants where owner_tenant_id = ${owner} and declaration_id = ${id})`;
    const inScope = (alias: string) => sql`${sql.raw(alias)}.tenant_id in ${covers}`;
    const before = voidBefore.toISOString();
    const stamp = at.toISOString();
    await perTenant(
      tx,
      counts,
      'sessions',
      sql`with x as (update sessions s set revoked_at = ${stamp}, revoked_reason = 'compromise'
            where ${inScope('s')} and s.revoked_at is null and s.created_at < ${before}
              and not (s.tenant_id = ${ctx.tenantId} and s.id = ${ctx.sessionId})
            returning s.tenant_id) select tenant_id, count(*)::int as n from x group by tenant_id`,
    );
    await perTenant(
      tx,
      counts,
      'tokens',
      sql`with x as (update api_tokens k set revoked_at = ${stamp}
            where ${inScope('k')} and k.revoked_at is null and k.created_at < ${before}
            returning k.tenant_id) select tenant_id, count(*)::int as n from x group by tenant_id`,
    );
    await perTenant(
      tx,
      counts,
      'operators',
      sql`with x as (update operators o set must_change_password = true
            where ${inScope('o')} and o.status = 'active' and o.password_changed_at < ${before}
            returning o.tenant_id) select tenant_id, count(*)::int as n from x group by tenant_id`,
    );
    await perTenant(
      tx,
      counts,
      'codes',
      sql`with x as (delete from recovery_codes r where ${inScope('r')} and r.created_at < ${before}
            returning r.tenant_id) select tenant_id, count(*)::int as n from x group by tenant_id`,
    );
    if (input.reenrollTotp) {
      await perTenant(
        tx,
        counts,
        'totp',
        sql`with x as (delete from totp_credentials c where ${inScope('c')} and c.created_at < ${before}
              returning c.tenant_id) select tenant_id, count(*)::int as n from x group by tenant_id`,
      );
    }
    // Webhook secrets are replaced, not shown: the company's admin saves the webhook again to see one.
    const hooks = await tx
      .select({ id: tenants.id })
      .from(tenants)
      .where(and(sql`${tenants.id} in ${covers}`, sql`${tenants.alertWebhookUrl} is not null`));
    for (const h of hooks) {
      const secret = `whsec_${randomBytes(24).toString('base64url')}`;
      await tx
        .update(tenants)
        .set({ alertWebhookSecretCiphertext: seal('webhook-secret', secret, webhookSecretContext(h.id)).ciphertext })
        .where(eq(tenants.id, h.id));
      counts.get(h.id)!.webhooks += 1;
    }
    const total = (key: keyof Counts) => [...counts.values()].reduce((n, c) => n + c[key], 0);
    await tx
      .update(compromiseDeclarations)
      .set({
        operators: total('operators'),
        sessionsEnded: total('sessions'),
        tokensRevoked: total('tokens'),
        totpVoided: total('totp'),
        recoveryCodesVoided: total('codes'),
        webhooksRotated: total('webhooks'),
      })
      .where(and(eq(compromiseDeclarations.tenantId, owner), eq(compromiseDeclarations.id, id)));
    const common = { reason: input.reason, voidBefore: before, reenrollTotp: input.reenrollTotp };
    const of = (c: Counts) => ({
      operators: c.operators,
      sessionsEnded: c.sessions,
      tokensRevoked: c.tokens,
      totpVoided: c.totp,
      recoveryCodesVoided: c.codes,
      webhooksRotated: c.webhooks,
    });
    await recordAudit(tx, {
      tenantId: owner,
      action: 'compromise.declared',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'compromise', id },
      details: {
        ...common,
        ...of({
          operators: total('operators'),
          sessions: total('sessions'),
          tokens: total('tokens'),
          totp: total('totp'),
          codes: total('codes'),
          webhooks: total('webhooks'),
        }),
        tenants: counts.size,
      },
    });
    // Each covered tenant's own chain says what it lost, under the same declaration id.
    if (owner === PLATFORM_TENANT_ID) {
      for (const [tenantId, c] of counts) {
        await recordAudit(tx, {
          tenantId,
          action: 'compromise.declared',
          outcome: 'success',
          ...byOperator(ctx),
          target: { type: 'compromise', id },
          details: { ...common, ...of(c), campaignTenantId: owner },
        });
      }
    }
    return { id, tenants: counts.size, operators: total('operators'), sessionsEnded: total('sessions') };
  });
}
