import 'server-only';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { alerts, PLATFORM_TENANT_ID, tenants } from '@/db/schema';
import type { TenantAccess, TokenAccess } from '@/lib/kernel/access';
import { decodeCursor, encodeCursor } from '@/lib/http/cursor';
import { AppError } from '@/lib/http/app-error';

const columns = {
  id: alerts.id,
  tenantId: alerts.tenantId,
  tenantName: tenants.name,
  rule: alerts.rule,
  loginId: alerts.loginId,
  details: alerts.details,
  raisedAt: alerts.raisedAt,
  acknowledgedAt: alerts.acknowledgedAt,
  acknowledgedByLoginId: alerts.acknowledgedByLoginId,
};

const latest = (tx: Tx, tenantId: string | null, limit: number) =>
  tx
    .select(columns)
    .from(alerts)
    .innerJoin(tenants, eq(tenants.id, alerts.tenantId))
    .where(tenantId ? eq(alerts.tenantId, tenantId) : undefined)
    // As the indexes sort (nulls last), so the newest are read from them, not sorted.
    .orderBy(sql`${alerts.raisedAt} desc nulls last`)
    .limit(limit);

/**
 * The newest alerts for a dashboard: a tenant's own, or, read on the platform, every tenant's.
 */
export async function listAlerts(ctx: TenantAccess<'audit.read'>, limit = 20) {
  const { tenantId } = ctx.granted;
  if (tenantId === PLATFORM_TENANT_ID) return withPlatformTx((tx) => latest(tx, null, limit), { readOnly: true });
  return withTenantTx(tenantId, (tx) => latest(tx, tenantId, limit), { readOnly: true });
}

export const ALERT_PAGE = 50;

/**
 * A tenant's alerts for an API client, newest first, keyset-paged on (raised_at, id); `open`
 * only those not yet acknowledged.
 */
export async function listAlertsPage(
  ctx: TokenAccess<'alerts:read' | 'alerts:write'>,
  query: { after?: string; open?: boolean },
) {
  const { tenantId } = ctx.granted;
  const cursor = decodeCursor(query.after);
  // A cursor is opaque but not trusted: one made by hand must name an instant.
  if (cursor && (typeof cursor.value !== 'string' || Number.isNaN(Date.parse(cursor.value))))
    throw new AppError('bad_request', { after: ['invalid_cursor'] });
  const rows = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select(columns)
        .from(alerts)
        .innerJoin(tenants, eq(tenants.id, alerts.tenantId))
        .where(
          and(
            eq(alerts.tenantId, tenantId),
            query.open ? isNull(alerts.acknowledgedAt) : undefined,
            cursor
              ? or(
                  lt(alerts.raisedAt, new Date(cursor.value as string)),
                  and(eq(alerts.raisedAt, new Date(cursor.value as string)), lt(alerts.id, cursor.id)),
                )
              : undefined,
          ),
        )
        .orderBy(sql`${alerts.raisedAt} desc`, sql`${alerts.id} desc`)
        .limit(ALERT_PAGE + 1),
    { readOnly: true },
  );
  const page = rows.slice(0, ALERT_PAGE);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > ALERT_PAGE && last ? encodeCursor(last.raisedAt.toISOString(), last.id) : null,
  };
}
