import 'server-only';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { copyTenantCsv, rowsOf, withTenantTx } from '@/db';
import { orderExports } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { csvText } from '@/lib/http/csv';
import {
  JOIN_SQL,
  SEPARATOR,
  streamBatches,
  streamCopy,
  utcMicros,
  type AbortSummary,
  type ExportSummary,
} from '@/lib/http/stream-export';
import { AppError } from '@/lib/http/app-error';
import { orderedColumns, type OrderExportColumn } from './order-export-columns';

/**
 * A text cell made formula-safe by PostgreSQL itself, by csvText's rule: an apostrophe before
 * = + - @, tab or CR at its start (NUL cannot be stored). ascii() keeps this as cheap as the bare
 * column; left(c, 1) in (...) doubled the cost of the whole COPY.
 */
const safe = (column: string) =>
  `case when ascii(${column}) in (61, 43, 45, 64, 9, 13) then '''' || ${column} else ${column} end`;

/** Each column as the file holds it: the order time in JST to the second. Fixed SQL picked by a checked key. */
const COLUMN_SQL: Record<OrderExportColumn, string> = {
  order_no: safe('order_no'),
  status: 'status',
  ordered_at: `to_char(ordered_at at time zone 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS')`,
  customer_name: safe('customer_name'),
  customer_kana: safe('customer_kana'),
  customer_email: safe('customer_email'),
  customer_email_alt: safe('customer_email_alt'),
  customer_phone: safe('customer_phone'),
  customer_postal_code: safe('customer_postal_code'),
  customer_address: safe('customer_address'),
  customer_comment: safe('customer_comment'),
  admin_comment: safe('admin_comment'),
  ship_name: safe('ship_name'),
  ship_postal_code: safe('ship_postal_code'),
  ship_address: safe('ship_address'),
  ship_phone: safe('ship_phone'),
  amount: 'amount',
  tracking_no: safe('tracking_no'),
};
const NEW_IP_WINDOW_MS = 24 * 3_600_000;

export type ClaimedExport = Awaited<ReturnType<typeof claimOrderExport>>;

/**
 * Takes an export for download: only its requester, only after a fresh second factor, only once
 * (ready or approved becomes downloaded in one statement, so two tabs cannot both get it). An
 * export within 24 h of a login from an address this operator had never used raises an alert.
 */
export async function claimOrderExport(ctx: SteppedUp<TenantAccess<'orders.export'>>, exportId: string) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [claimed] = await tx
      .update(orderExports)
      .set({ status: 'downloaded', downloadedAt: now() })
      .where(
        and(
          eq(orderExports.tenantId, tenantId),
          eq(orderExports.id, exportId),
          eq(orderExports.operatorId, ctx.operatorId),
          inArray(orderExports.status, ['ready', 'approved']),
        ),
      )
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
    // Audited from the first byte: before anything is streamed, the claim itself is on record.
    await recordAudit(tx, {
      tenantId,
      action: 'orders.export_started',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'order_export', id: claimed.id },
      details: {
        siteId: claimed.siteId,
        from: claimed.periodFrom.toISOString(),
        to: claimed.periodTo.toISOString(),
        columns: orderedColumns(claimed.columns).map((c) => c.key),
        reason: claimed.reason,
        encoding: claimed.encoding,
        rows: claimed.rowCount,
        customers: claimed.customerCount,
      },
    });
    const since = new Date(now().getTime() - NEW_IP_WINDOW_MS).toISOString();
    const [fresh] = rowsOf<{ ip: string; at: Date | string }>(
      await tx.execute(sql`
      select e.ip, e.occurred_at as at from audit_events e
       where e.tenant_id = ${tenantId} and e.actor_operator_id = ${ctx.operatorId} and e.action = 'login.succeeded'
         and e.occurred_at >= ${since} and e.ip is not null
         and not exists (select 1 from audit_events p where p.tenant_id = e.tenant_id and p.actor_operator_id = e.actor_operator_id
                           and p.action = 'login.succeeded' and p.ip = e.ip and p.seq < e.seq)
       order by e.seq desc limit 1`),
    );
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

type ExportScope = Pick<ClaimedExport, 'siteId' | 'periodFrom' | 'periodTo' | 'columns'>;

// The orders of the export's site and period, oldest first: the site-time index (newest first,
// nulls last) read backwards, which gives nulls first. Neither column can be null, but without
// saying so PostgreSQL cannot use the index for this order and sorts every remaining row per batch.
function select(
  columns: string,
  tenantId: string,
  scope: ExportScope,
  after?: { at: string; id: string },
  limit?: number,
): SQL {
  return sql`select ${sql.raw(columns)} from orders
    where tenant_id = ${tenantId} and site_id = ${scope.siteId}
      and ordered_at >= ${scope.periodFrom.toISOString()}::timestamptz and ordered_at < ${scope.periodTo.toISOString()}::timestamptz
      ${after ? sql`and (ordered_at, id) > (${`${after.at}Z`}::timestamptz, ${after.id}::uuid)` : sql``}
    order by orders.ordered_at nulls first, orders.id nulls first ${limit === undefined ? sql`` : sql`limit ${limit}`}`;
}

/** The file's rows: what COPY streams on PostgreSQL (and what the benchmark runs under bare COPY). */
export const orderExportSelect = (tenantId: string, scope: ExportScope): SQL =>
  select(
    orderedColumns(scope.columns)
      .map((c) => COLUMN_SQL[c.key])
      .join(', '),
    tenantId,
    scope,
  );

/**
 * The claimed export as CSV (UTF-8, UTF-8 with BOM or Shift_JIS; formula-safe, RFC 4180) with
 * constant memory however many orders. On PostgreSQL the rows come straight from COPY, which
 * formats and quotes them (streamCopy); PGlite cannot stream COPY, so there they are read in
 * keyset batches (streamBatches), packed as the keyset (time in UTC to the microsecond, id) and
 * the chosen columns, and quoted here. When the file ends, `orders.exported` records scope,
 * columns, reason, rows, customers, bytes and its sha256 (IP and session are on every event);
 * when it stops short, `orders.export_aborted` records the rows and bytes that had left.
 */
export async function streamOrderExport(
  ctx: SteppedUp<TenantAccess<'orders.export'>>,
  claimed: ClaimedExport,
): Promise<ReadableStream<Uint8Array>> {
  const tenantId = ctx.granted.tenantId;
  const columns = orderedColumns(claimed.columns);
  const header = `${columns.map((c) => c.key).join(',')}\r\n`;
  const finish = ({ rows, bytes, sha256 }: ExportSummary) =>
    withTenantTx(tenantId, async (tx) => {
      await tx
        .update(orderExports)
        .set({ bytes, sha256 })
        .where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, claimed.id)));
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
  // Stopped short: what had left is on record, and personal data that left raises an alert.
  const abort = ({ rows, bytes, cause }: AbortSummary) =>
    withTenantTx(tenantId, async (tx) => {
      await tx
        .update(orderExports)
        .set({ bytes })
        .where(and(eq(orderExports.tenantId, tenantId), eq(orderExports.id, claimed.id)));
      await recordAudit(tx, {
        tenantId,
        action: 'orders.export_aborted',
        outcome: 'failure',
        ...byOperator(ctx),
        target: { type: 'order_export', id: claimed.id },
        details: {
          siteId: claimed.siteId,
          cause,
          rowsSent: rows,
          bytesSent: bytes,
          rowsPlanned: claimed.rowCount,
          encoding: claimed.encoding,
        },
      });
      if (rows > 0) {
        await raiseAlert(tx, {
          tenantId,
          rule: 'export_aborted',
          operator: { operatorId: ctx.operatorId, loginId: ctx.loginId },
          details: { exportId: claimed.id, rowsSent: rows, rowsPlanned: claimed.rowCount, cause },
        });
      }
    });
  const copied = await copyTenantCsv(tenantId, orderExportSelect(tenantId, claimed));
  if (copied) return streamCopy({ encoding: claimed.encoding, header, source: copied, finish, abort });

  const cellsSql = columns.map((c) => `coalesce(${COLUMN_SQL[c.key]}::text, '')`);
  const packed = [utcMicros('ordered_at'), 'id::text', ...cellsSql].join(JOIN_SQL);
  const fields = 2 + columns.length;
  const line = (cells: string[]) => `${cells.map(csvText).join(',')}\r\n`;
  // A free text holding 0x1f splits into too many fields; that row's cells are read apart.
  const cellsOf = async (id: string) => {
    const [row] = await withTenantTx(
      tenantId,
      async (tx) =>
        rowsOf<{ t: string }>(
          await tx.execute(
            sql`select json_build_array(${sql.raw(cellsSql.join(', '))})::text as t from orders where tenant_id = ${tenantId} and id = ${id}::uuid`,
          ),
        ),
      { readOnly: true },
    );
    if (!row) throw new Error(`order ${id} disappeared during the export`);
    return JSON.parse(row.t) as string[];
  };
  return streamBatches({
    encoding: claimed.encoding,
    header,
    fetch: (limit, last) =>
      withTenantTx(
        tenantId,
        async (tx) => {
          const [at, id] = last?.split(SEPARATOR, 2) ?? [];
          return rowsOf<{ r: string }>(
            await tx.execute(select(`${packed} as r`, tenantId, claimed, last ? { at, id } : undefined, limit)),
          ).map((row) => row.r);
        },
        { readOnly: true },
      ),
    line: (row) => {
      const cells = row.split(SEPARATOR);
      return cells.length === fields ? line(cells.slice(2)) : cellsOf(cells[1]).then(line);
    },
    finish,
    abort,
  });
}

/**
 * Before the browser fetches the file: the step-up (asked inline by the form when missing) and a
 * check that this operator may download this export now. The route checks both again.
 */
export async function prepareOrderExportDownload(
  ctx: SteppedUp<TenantAccess<'orders.export'>>,
  exportId: string,
): Promise<string> {
  const tenantId = ctx.granted.tenantId;
  const [row] = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({ id: orderExports.id })
        .from(orderExports)
        .where(
          and(
            eq(orderExports.tenantId, tenantId),
            eq(orderExports.id, exportId),
            eq(orderExports.operatorId, ctx.operatorId),
            inArray(orderExports.status, ['ready', 'approved']),
          ),
        ),
    { readOnly: true },
  );
  if (!row) throw new AppError('not_found');
  return `/api/v1/tenants/${tenantId}/order-exports/${exportId}/download`;
}
