import 'server-only';
import { createHash } from 'node:crypto';
import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import iconv from 'iconv-lite';
import { rowsOf, withTenantTx } from '@/db';
import { orderExports, orders } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { now } from '@/lib/clock';
import { csvText } from '@/lib/http/csv';
import { AppError } from '@/lib/http/app-error';
import { requireStepUp } from '@/lib/mfa/step-up';
import { orderedColumns, type OrderExportColumn } from './order-export-columns';

const BATCH = 2000;

const COLUMN_SQL: Record<OrderExportColumn, AnyPgColumn> = {
  order_no: orders.orderNo,
  status: orders.status,
  ordered_at: orders.orderedAt,
  customer_name: orders.customerName,
  customer_kana: orders.customerKana,
  customer_email: orders.customerEmail,
  customer_email_alt: orders.customerEmailAlt,
  customer_phone: orders.customerPhone,
  customer_postal_code: orders.customerPostalCode,
  customer_address: orders.customerAddress,
  customer_comment: orders.customerComment,
  admin_comment: orders.adminComment,
  ship_name: orders.shipName,
  ship_postal_code: orders.shipPostalCode,
  ship_address: orders.shipAddress,
  ship_phone: orders.shipPhone,
  amount: orders.amount,
  tracking_no: orders.trackingNo,
};
const NEW_IP_WINDOW_MS = 24 * 3_600_000;

export type ClaimedExport = Awaited<ReturnType<typeof claimOrderExport>>;

/**
 * Takes an export for download: only its requester, only after a fresh second factor, only once
 * (ready or approved becomes downloaded in one statement, so two tabs cannot both get it). An
 * export within 24 h of a login from an address this operator had never used raises an alert.
 */
export async function claimOrderExport(ctx: OperatorContext, tenantId: string, exportId: string) {
  requireStepUp(ctx);
  return withTenantTx(tenantId, async (tx) => {
    const [claimed] = await tx
      .update(orderExports)
      .set({ status: 'downloaded', downloadedAt: now() })
      .where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, exportId), eq(orderExports.operatorId, ctx.operatorId), inArray(orderExports.status, ['ready', 'approved'])))
      .returning({
        id: orderExports.id,
        siteId: orderExports.siteId,
        periodFrom: orderExports.periodFrom,
        periodTo: orderExports.periodTo,
        columns: orderExports.columns,
        encoding: orderExports.encoding,
        reason: orderExports.reason,
        rowCount: orderExports.rowCount,
        customerCount: orderExports.customerCount,
      });
    if (!claimed) throw new AppError('not_found');
    const since = new Date(now().getTime() - NEW_IP_WINDOW_MS).toISOString();
    const [fresh] = rowsOf<{ ip: string; at: Date | string }>(await tx.execute(sql`
      select e.ip, e.occurred_at as at from audit_events e
       where e.tenant_id = ${tenantId} and e.actor_operator_id = ${ctx.operatorId} and e.action = 'login.succeeded'
         and e.occurred_at >= ${since} and e.ip is not null
         and not exists (select 1 from audit_events p where p.tenant_id = e.tenant_id and p.actor_operator_id = e.actor_operator_id
                           and p.action = 'login.succeeded' and p.ip = e.ip and p.seq < e.seq)
       order by e.seq desc limit 1`));
    if (fresh) {
      await raiseAlert(tx, {
        tenantId,
        rule: 'export_after_new_ip',
        operator: { operatorId: ctx.operatorId, loginId: ctx.loginId },
        details: { exportId, rows: claimed.rowCount, newIp: fresh.ip, loginAt: new Date(fresh.at).toISOString() },
      });
    }
    return claimed;
  });
}

const jst = (d: Date) => new Date(d.getTime() + 9 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);

/**
 * The claimed export as CSV (UTF-8, UTF-8 with BOM or Shift_JIS; formula-safe, RFC 4180), read in
 * keyset batches so memory stays flat however many orders. When the file ends, `orders.exported`
 * records scope, columns, reason, rows, customers, bytes and its sha256 (IP and session are on
 * every event).
 */
export function streamOrderExport(ctx: OperatorContext, tenantId: string, claimed: ClaimedExport): ReadableStream<Uint8Array> {
  const columns = orderedColumns(claimed.columns);
  const selection = Object.fromEntries(columns.map((c) => [c.key, COLUMN_SQL[c.key]]));
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  let after: { at: Date; id: string } | null = null;
  let started = false;
  const encode = (text: string): Uint8Array => (claimed.encoding === 'sjis' ? iconv.encode(text, 'Shift_JIS') : Buffer.from(text, 'utf8'));
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    hash.update(chunk);
    bytes += chunk.length;
    controller.enqueue(chunk);
  };
  const cell = (v: unknown) => csvText(v === null || v === undefined ? null : v instanceof Date ? jst(v) : String(v));
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (claimed.encoding === 'utf8-bom') emit(controller, Buffer.from('\ufeff', 'utf8'));
        emit(controller, encode(`${columns.map((c) => c.key).join(',')}\r\n`));
      }
      const batch = await withTenantTx(
        tenantId,
        (tx) =>
          tx
            .select({ ...selection, _at: orders.orderedAt, _id: orders.id })
            .from(orders)
            .where(
              and(
                eq(orders.tenantId, tenantId),
                eq(orders.siteId, claimed.siteId),
                gte(orders.orderedAt, claimed.periodFrom),
                lt(orders.orderedAt, claimed.periodTo),
                after ? sql`(${orders.orderedAt}, ${orders.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)` : undefined,
              ),
            )
            .orderBy(asc(orders.orderedAt), asc(orders.id))
            .limit(BATCH),
        { readOnly: true },
      );
      if (batch.length > 0) {
        const record = batch as Record<string, unknown>[];
        emit(controller, encode(record.map((r) => `${columns.map((c) => cell(r[c.key])).join(',')}\r\n`).join('')));
        rows += batch.length;
        const last = batch[batch.length - 1];
        after = { at: last._at, id: last._id };
      }
      if (batch.length < BATCH) {
        await withTenantTx(tenantId, async (tx) => {
          const sha256 = hash.digest('hex');
          await tx.update(orderExports).set({ bytes, sha256 }).where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, claimed.id)));
          await recordAudit(tx, {
            tenantId,
            action: 'orders.exported',
            outcome: 'success',
            ...byOperator(ctx),
            target: { type: 'order_export', id: claimed.id },
            details: {
              siteId: claimed.siteId,
              from: claimed.periodFrom.toISOString(),
              to: claimed.periodTo.toISOString(),
              columns: columns.map((c) => c.key),
              reason: claimed.reason,
              encoding: claimed.encoding,
              rows,
              customers: claimed.customerCount,
              bytes,
              sha256,
            },
          });
        });
        controller.close();
      }
    },
  });
}

/**
 * Before the browser fetches the file: the step-up (asked inline by the form when missing) and a
 * check that this operator may download this export now. The route checks both again.
 */
export async function prepareOrderExportDownload(ctx: OperatorContext, tenantId: string, exportId: string): Promise<string> {
  requireStepUp(ctx);
  const [row] = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({ id: orderExports.id })
        .from(orderExports)
        .where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, exportId), eq(orderExports.operatorId, ctx.operatorId), inArray(orderExports.status, ['ready', 'approved']))),
    { readOnly: true },
  );
  if (!row) throw new AppError('not_found');
  return `/api/v1/tenants/${tenantId}/order-exports/${exportId}/download`;
}
