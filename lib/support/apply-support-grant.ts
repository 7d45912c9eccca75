import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withTenantTx } from '@/db';
import type { SupportScope } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import type { SupportUse } from '@/lib/kernel/operator-context';

interface Viewer {
  operatorId: string;
  loginId: string;
  ip: string;
  userAgent: string | null;
  sessionId: string;
}

/**
 * The guard's one door for platform support into a tenant's customer data: finds an active grant
 * of this tenant covering `scope` for this staff member (a named grant first, else the team's),
 * counts the use, writes `support_access.used` into the tenant's own chain and, on a grant's first
 * use, raises an alert the tenant sees. Null when no grant covers it.
 */
export async function applySupportGrant(
  viewer: Viewer,
  tenantId: string,
  scope: SupportScope,
): Promise<SupportUse | null> {
  const at = now();
  return withTenantTx(tenantId, async (tx) => {
    const [grant] = rowsOf<{ id: string; scopes: SupportScope[]; first_use: boolean; use_count: number }>(
      await tx.execute(sql`
        update support_grants g set
          use_count = g.use_count + 1,
          first_used_at = coalesce(g.first_used_at, ${at.toISOString()}::timestamptz),
          last_used_at = ${at.toISOString()}::timestamptz,
          last_used_by_login_id = ${viewer.loginId}
        where (g.tenant_id, g.id) = (
          select tenant_id, id from support_grants
           where tenant_id = ${tenantId} and revoked_at is null and expires_at > ${at.toISOString()}::timestamptz
             and ${scope} = any(scopes)
             and (grantee_operator_id = ${viewer.operatorId} or grantee_operator_id is null)
           order by grantee_operator_id is null, expires_at desc
           limit 1)
        returning g.id, g.scopes, g.use_count = 1 as first_use, g.use_count`),
    );
    if (!grant) return null;
    await recordAudit(tx, {
      tenantId,
      action: 'support_access.used',
      outcome: 'success',
      ...byOperator(viewer),
      target: { type: 'support_grant', id: grant.id },
      details: { scope, use: grant.use_count },
    });
    if (grant.first_use) {
      await raiseAlert(tx, {
        tenantId,
        rule: 'support_access_used',
        operator: { operatorId: viewer.operatorId, loginId: viewer.loginId },
        details: { grantId: grant.id, scope },
      });
    }
    return { tenantId, grantId: grant.id, scopes: grant.scopes };
  });
}
