import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withTenantTx } from '@/db';
import type { TenantAccess } from '@/lib/kernel/access';

export interface MfaEnrollment {
  /** Active operators of the tenant, and how many of them have TOTP set up. */
  active: number;
  enrolled: number;
  /** With recovery codes left as well (a lost phone is then no lockout). */
  withRecoveryCodes: number;
  required: boolean;
  graceUntil: Date | null;
}

/** A tenant's TOTP enrolment progress against its policy, for its dashboard. */
export async function getMfaEnrollment(ctx: TenantAccess<'operators.read' | 'security.write'>): Promise<MfaEnrollment> {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(
    tenantId,
    async (tx) =>
      rowsOf<{
        active: number;
        enrolled: number;
        with_codes: number;
        required: boolean;
        grace_until: string | Date | null;
      }>(
        await tx.execute(sql`
          select count(*)::int as active,
                 count(tc.operator_id)::int as enrolled,
                 count(tc.operator_id) filter (where exists (
                   select 1 from recovery_codes rc where rc.tenant_id = o.tenant_id and rc.operator_id = o.id and rc.used_at is null))::int as with_codes,
                 (select totp_required from tenants where id = ${tenantId}) as required,
                 (select totp_grace_until from tenants where id = ${tenantId}) as grace_until
            from operators o
            left join totp_credentials tc on tc.tenant_id = o.tenant_id and tc.operator_id = o.id and tc.status = 'active'
           where o.tenant_id = ${tenantId} and o.status = 'active'`),
      ),
    { readOnly: true },
  );
  return {
    active: row.active,
    enrolled: row.enrolled,
    withRecoveryCodes: row.with_codes,
    required: row.required,
    graceUntil: row.grace_until === null ? null : new Date(row.grace_until),
  };
}
