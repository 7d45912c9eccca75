import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx, type Tx } from '@/db';
import { compromiseDeclarations, tenants } from '@/db/schema';
import { webhookSecretContext } from '@/lib/alerts/webhooks';
import { recordAudit, type AuditEventInput } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { seal } from '@/lib/crypto/keyring';

/** Who applies: the declarer right after declaring, or nobody (the platform) when resuming. */
export type AppliedBy = Pick<AuditEventInput, 'actor' | 'ip' | 'userAgent' | 'sessionId' | 'incidentId'> | null;

const count = async (tx: Tx, statement: ReturnType<typeof sql>) =>
  Number(rowsOf<{ n: number }>(await tx.execute(statement))[0]?.n ?? 0);

/**
 * Voids the credentials of every covered tenant a declaration has not reached yet, one
 * transaction per tenant: a tenant's sessions, tokens, passwords, codes, seeds and webhook secret
 * are voided, its row marked applied and its chain told what it lost, or none of it. A tenant
 * another instance is applying (its row locked) is skipped, never done twice. Returns how many
 * tenants this call applied.
 */
export async function applyCompromise(owner: string, declarationId: string, by: AppliedBy): Promise<number> {
  let applied = 0;
  for (;;) {
    const done = await withOwnerTx(owner, async (tx) => {
      const [next] = rowsOf<{ tenant_id: string }>(
        await tx.execute(sql`
          select tenant_id from compromise_tenants
           where owner_tenant_id = ${owner} and declaration_id = ${declarationId} and applied_at is null
           order by tenant_id limit 1 for update skip locked`),
      );
      if (!next) return false;
      const [d] = await tx
        .select({
          voidBefore: compromiseDeclarations.voidBefore,
          reenrollTotp: compromiseDeclarations.reenrollTotp,
          keptSessionId: compromiseDeclarations.keptSessionId,
          reason: compromiseDeclarations.reason,
        })
        .from(compromiseDeclarations)
        .where(and(eq(compromiseDeclarations.tenantId, owner), eq(compromiseDeclarations.id, declarationId)));
      await voidTenant(tx, owner, declarationId, next.tenant_id, d, by);
      return true;
    });
    if (!done) return applied;
    applied++;
  }
}

async function voidTenant(
  tx: Tx,
  owner: string,
  declarationId: string,
  tenantId: string,
  d: { voidBefore: Date; reenrollTotp: boolean; keptSessionId: string | null; reason: string },
  by: AppliedBy,
) {
  const before = d.voidBefore.toISOString();
  const stamp = now().toISOString();
  const sessions = await count(
    tx,
    sql`with x as (update sessions s set revoked_at = ${stamp}, revoked_reason = 'compromise'
          where s.tenant_id = ${tenantId} and s.revoked_at is null and s.created_at < ${before}
            and s.id is distinct from ${d.keptSessionId}::uuid
          returning 1) select count(*)::int as n from x`,
  );
  const tokens = await count(
    tx,
    sql`with x as (update api_tokens k set revoked_at = ${stamp}
          where k.tenant_id = ${tenantId} and k.revoked_at is null and k.created_at < ${before}
          returning 1) select count(*)::int as n from x`,
  );
  const operators = await count(
    tx,
    sql`with x as (update operators o set must_change_password = true
          where o.tenant_id = ${tenantId} and o.status = 'active' and o.password_changed_at < ${before}
          returning 1) select count(*)::int as n from x`,
  );
  const codes = await count(
    tx,
    sql`with x as (delete from recovery_codes r where r.tenant_id = ${tenantId} and r.created_at < ${before}
          returning 1) select count(*)::int as n from x`,
  );
  const totp = d.reenrollTotp
    ? await count(
        tx,
        sql`with x as (delete from totp_credentials c where c.tenant_id = ${tenantId} and c.created_at < ${before}
              returning 1) select count(*)::int as n from x`,
      )
    : 0;
  // Webhook secrets are replaced, not shown: the company's admin saves the webhook again to see one.
  const [hook] = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(eq(tenants.id, tenantId), isNotNull(tenants.alertWebhookUrl)));
  if (hook) {
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await tx
      .update(tenants)
      .set({ alertWebhookSecretCiphertext: seal('webhook-secret', secret, webhookSecretContext(tenantId)).ciphertext })
      .where(eq(tenants.id, tenantId));
  }
  const webhooks = hook ? 1 : 0;
  await tx.execute(sql`
    update compromise_tenants set applied_at = ${stamp}, operators = ${operators}, sessions_ended = ${sessions},
           tokens_revoked = ${tokens}, totp_voided = ${totp}, recovery_codes_voided = ${codes}, webhooks_rotated = ${webhooks}
     where owner_tenant_id = ${owner} and declaration_id = ${declarationId} and tenant_id = ${tenantId}`);
  await recordAudit(tx, {
    tenantId,
    action: 'compromise.applied',
    outcome: 'success',
    ...(by ?? {}),
    target: { type: 'compromise', id: declarationId },
    details: {
      reason: d.reason,
      voidBefore: before,
      reenrollTotp: d.reenrollTotp,
      operators,
      sessionsEnded: sessions,
      tokensRevoked: tokens,
      totpVoided: totp,
      recoveryCodesVoided: codes,
      webhooksRotated: webhooks,
      ...(owner !== tenantId ? { campaignTenantId: owner } : {}),
    },
  });
}
