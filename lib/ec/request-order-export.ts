import 'server-only';
import { and, eq, gte, lt, ne, sql } from 'drizzle-orm';
import { withTenantTx, type Tx } from '@/db';
import { orderExports, orders, sites, tenants } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';
import { ORDER_EXPORT_COLUMN_KEYS, orderedColumns, piiKinds } from './order-export-columns';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid_date')
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00+09:00`)), 'invalid_date');

/** What an order export covers: a site, a period of days in JST (both ends included) and columns. */
export const orderExportScopeFields = z.object({
  siteId: uuidSchema,
  from: day,
  to: day,
  columns: z.array(z.enum(ORDER_EXPORT_COLUMN_KEYS)).min(1, 'choose_columns'),
});

export const rangeInOrder = (v: { from: string; to: string }) => v.from <= v.to;
export const RANGE_REVERSED = { path: ['to'], message: 'range_reversed' };
export const orderExportScope = orderExportScopeFields.refine(rangeInOrder, RANGE_REVERSED);

export const orderExportRequest = z.object({
  encoding: z.enum(['utf8', 'utf8-bom', 'sjis']).catch('utf8'),
  reason: z.string().trim().min(5).max(500),
});

export type OrderExportScope = z.infer<typeof orderExportScope>;

/** The period as instants: from 00:00 JST of the first day up to (not including) 00:00 JST after the last. */
export function periodOf(scope: Pick<OrderExportScope, 'from' | 'to'>) {
  const from = new Date(`${scope.from}T00:00:00+09:00`);
  const to = new Date(new Date(`${scope.to}T00:00:00+09:00`).getTime() + 86_400_000);
  return { from, to };
}

/** Midnight JST of the current day: daily quotas reset with the Japanese business day. */
function startOfJstDay(at: Date): Date {
  const jst = new Date(at.getTime() + 9 * 3_600_000);
  return new Date(Date.UTC(jst.getUTCFullYear(), jst.getUTCMonth(), jst.getUTCDate()) - 9 * 3_600_000);
}

async function countScope(tx: Tx, tenantId: string, scope: OrderExportScope) {
  const [site] = await tx
    .select({ name: sites.name })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, scope.siteId)));
  if (!site) throw new AppError('not_found');
  const { from, to } = periodOf(scope);
  const [counts] = await tx
    .select({
      rows: sql<number>`count(*)::int`,
      // A customer is a member, or for guest orders the e-mail they ordered with.
      customers: sql<number>`count(distinct coalesce(${orders.memberId}::text, ${orders.customerEmail}))::int`,
    })
    .from(orders)
    .where(
      and(
        eq(orders.tenantId, tenantId),
        eq(orders.siteId, scope.siteId),
        gte(orders.orderedAt, from),
        lt(orders.orderedAt, to),
      ),
    );
  return { siteName: site.name, rows: counts.rows, customers: counts.customers };
}

/** "15,581 orders, 10,946 customers, includes names, addresses, phone numbers": shown before anything is produced. */
export async function previewOrderExport(ctx: TenantAccess<'orders.export'>, scope: OrderExportScope) {
  const tenantId = ctx.granted.tenantId;
  const counts = await withTenantTx(tenantId, (tx) => countScope(tx, tenantId, scope), { readOnly: true });
  return { ...counts, columns: orderedColumns(scope.columns).map((c) => c.key), pii: piiKinds(scope.columns) };
}

/**
 * Records an export request after a step-up. Within the requester's daily quota it is ready to
 * download; above it, it waits for a second admin (four eyes) and raises an alert.
 */
export async function requestOrderExport(
  ctx: SteppedUp<TenantAccess<'orders.export'>>,
  scope: OrderExportScope,
  request: z.infer<typeof orderExportRequest>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const counts = await countScope(tx, tenantId, scope);
    const at = now();
    const [quota] = await tx
      .select({ daily: tenants.orderExportDailyQuota })
      .from(tenants)
      .where(eq(tenants.id, tenantId));
    const [used] = await tx
      .select({ rows: sql<number>`coalesce(sum(${orderExports.rowCount}), 0)::int` })
      .from(orderExports)
      .where(
        and(
          eq(orderExports.tenantId, tenantId),
          eq(orderExports.operatorId, ctx.operatorId),
          gte(orderExports.requestedAt, startOfJstDay(at)),
          ne(orderExports.status, 'rejected'),
        ),
      );
    const overQuota = used.rows + counts.rows > quota.daily;
    const { from, to } = periodOf(scope);
    const columns = orderedColumns(scope.columns).map((c) => c.key);
    const [row] = await tx
      .insert(orderExports)
      .values({
        tenantId,
        siteId: scope.siteId,
        operatorId: ctx.operatorId,
        loginId: ctx.loginId,
        periodFrom: from,
        periodTo: to,
        columns,
        encoding: request.encoding,
        reason: request.reason,
        rowCount: counts.rows,
        customerCount: counts.customers,
        status: overQuota ? 'pending_approval' : 'ready',
        requestedAt: at,
      })
      .returning({ id: orderExports.id, status: orderExports.status });
    const facts = {
      siteId: scope.siteId,
      from: scope.from,
      to: scope.to,
      columns,
      reason: request.reason,
      rows: counts.rows,
      customers: counts.customers,
    };
    await recordAudit(tx, {
      tenantId,
      action: 'orders.export_requested',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'order_export', id: row.id },
      details: { ...facts, status: row.status, quota: quota.daily, usedToday: used.rows },
    });
    if (overQuota) {
      await raiseAlert(tx, {
        tenantId,
        rule: 'export_over_quota',
        operator: { operatorId: ctx.operatorId, loginId: ctx.loginId },
        details: { exportId: row.id, rows: counts.rows, usedToday: used.rows, quota: quota.daily },
      });
    }
    return { id: row.id, status: row.status, rows: counts.rows, customers: counts.customers };
  });
}

/** The second pair of eyes: another admin approves or rejects an export held above quota. */
export async function decideOrderExport(
  ctx: SteppedUp<TenantAccess<'orders.export'>>,
  exportId: string,
  decision: 'approve' | 'reject',
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [held] = await tx
      .select({
        operatorId: orderExports.operatorId,
        loginId: orderExports.loginId,
        rows: orderExports.rowCount,
        reason: orderExports.reason,
        siteId: orderExports.siteId,
      })
      .from(orderExports)
      .where(
        and(
          eq(orderExports.tenantId, tenantId),
          eq(orderExports.id, exportId),
          eq(orderExports.status, 'pending_approval'),
        ),
      );
    if (!held) throw new AppError('not_found');
    // Four eyes means two people: the requester cannot approve their own export.
    if (held.operatorId === ctx.operatorId) throw new AppError('forbidden');
    await tx
      .update(orderExports)
      .set({
        status: decision === 'approve' ? 'approved' : 'rejected',
        decidedAt: now(),
        decidedByLoginId: ctx.loginId,
      })
      .where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, exportId)));
    await recordAudit(tx, {
      tenantId,
      action: decision === 'approve' ? 'orders.export_approved' : 'orders.export_rejected',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'order_export', id: exportId },
      details: { requestedBy: held.loginId, rows: held.rows, reason: held.reason, siteId: held.siteId },
    });
  });
}

/** This site's exports the viewer may act on: their own, and (for approvers) those held for approval. */
export async function listOrderExports(ctx: TenantAccess<'orders.export'>, siteId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({
          id: orderExports.id,
          loginId: orderExports.loginId,
          mine: sql<boolean>`${orderExports.operatorId} = ${ctx.operatorId}`,
          periodFrom: orderExports.periodFrom,
          periodTo: orderExports.periodTo,
          columns: orderExports.columns,
          reason: orderExports.reason,
          rowCount: orderExports.rowCount,
          customerCount: orderExports.customerCount,
          status: orderExports.status,
          requestedAt: orderExports.requestedAt,
          decidedByLoginId: orderExports.decidedByLoginId,
          downloadedAt: orderExports.downloadedAt,
          sha256: orderExports.sha256,
        })
        .from(orderExports)
        .where(
          and(
            eq(orderExports.tenantId, tenantId),
            eq(orderExports.siteId, siteId),
            sql`(${orderExports.operatorId} = ${ctx.operatorId} or ${orderExports.status} = 'pending_approval')`,
          ),
        )
        .orderBy(sql`${orderExports.requestedAt} desc`)
        .limit(50),
    { readOnly: true },
  );
}
