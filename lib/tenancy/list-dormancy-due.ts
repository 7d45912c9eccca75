import 'server-only';
import { sql } from 'drizzle-orm';
import { selectOwnerRows } from '@/db';
import { now } from '@/lib/clock';
import type { TenantAccess } from '@/lib/kernel/access';
import { dormantOperators } from './disable-dormant-operators';

/** How far ahead the dashboard warns of operators about to be disabled for inactivity. */
export const DORMANCY_NOTICE_DAYS = 7;

/**
 * The granted tenant's operators who will be disabled for inactivity within the notice period
 * (with the day it happens), and the admin kept active because every admin is dormant.
 */
export async function listDormancyDue(ctx: TenantAccess<'operators.read'>) {
  const tenantId = ctx.granted.tenantId;
  const at = now();
  const ahead = new Date(at.getTime() + DORMANCY_NOTICE_DAYS * 86_400_000);
  const rows = await selectOwnerRows<[string, string, Date | string, number | string, boolean]>(
    tenantId,
    sql`select d.id, d.login_id, d.since, d.dormant_after_days, d.kept
          from (${dormantOperators(ahead, tenantId)}) d order by d.since, d.login_id limit 200`,
    { plan: 'custom' },
  );
  return rows.map(([id, loginId, since, days, kept]) => ({
    id,
    loginId,
    disabledAt: new Date(new Date(since).getTime() + Number(days) * 86_400_000),
    kept,
  }));
}
