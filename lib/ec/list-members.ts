import 'server-only';
import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { withTenantTx, type Tx } from '@/db';
import { auditEvents, members, sites } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { decodeCursor, encodeCursor } from '@/lib/http/cursor';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';
import { maskEmail, maskPhone } from './mask';

export const PII_PAGE_SIZE = 50;
/** More records than this listed by one operator within the window raises `pii_bulk_view`. */
export const BULK_VIEW_RECORDS = 500;
export const BULK_VIEW_WINDOW_MINUTES = 60;

/**
 * Member and order ids: any UUID the column holds. Generated and imported shop data need not carry
 * RFC 9562 version bits, which `uuidSchema` insists on.
 */
export const recordIdSchema = z.guid();

/** A member or order number as typed: full-width characters and lower case are accepted. */
export const recordNoQuery = z
  .string()
  .max(100)
  .transform((v) => v.normalize('NFKC').trim().toUpperCase() || undefined)
  .optional()
  .catch(undefined);

export const listMembersQuery = z.object({
  q: recordNoQuery,
  after: z.string().max(1000).optional().catch(undefined),
});

/** The site, when it belongs to this tenant; otherwise a 404 like any missing page. */
export async function siteOf(tx: Tx, tenantId: string, siteId: string) {
  if (!uuidSchema.safeParse(siteId).success) throw new AppError('not_found');
  const [site] = await tx
    .select({ id: sites.id, code: sites.code, name: sites.name })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
  if (!site) throw new AppError('not_found');
  return site;
}

/**
 * Newest first, spelled like the indexes (drizzle's `.desc()` makes them DESC NULLS LAST, and a
 * plain DESC means NULLS FIRST): otherwise PostgreSQL sorts the whole site instead of reading 51 rows.
 */
export const newestFirst = (time: AnyPgColumn, id: AnyPgColumn) => [
  sql`${time} desc nulls last`,
  sql`${id} desc nulls last`,
];

/** The keyset condition for lists sorted newest first; junk cursors start at the top. */
export function olderThan(time: AnyPgColumn, id: AnyPgColumn, after: string | undefined): SQL | null {
  const cursor = decodeCursor(after);
  const at = typeof cursor?.value === 'number' ? new Date(cursor.value) : null;
  if (!cursor || !at || Number.isNaN(at.getTime())) return null;
  // A row comparison on the index's trailing columns, so the scan starts at the cursor.
  return sql`(${time}, ${id}) < (${at.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

const LISTED = ['members.listed', 'orders.listed'];

/**
 * Records one list page view and raises a single `pii_bulk_view` alert on the view that takes the
 * operator's records listed (both lists, this tenant, the last hour) over the limit.
 */
export async function recordListing(
  ctx: TenantAccess<'members.read' | 'orders.read'>,
  view: { action: 'members.listed' | 'orders.listed'; siteId: string; count: number },
) {
  const { tenantId } = ctx.granted;
  return withTenantTx(tenantId, async (tx) => {
    await recordAudit(
      tx,
      {
        tenantId,
        action: view.action,
        outcome: 'success',
        ...byOperator(ctx),
        target: { type: 'site', id: view.siteId },
        details: { siteId: view.siteId, count: view.count },
      },
      { waitForChain: true },
    );
    // Summed after the append, which queued for the tenant's chain and holds it until commit, so
    // two views at once are counted one after the other and only one of them sees the crossing.
    const since = new Date(now().getTime() - BULK_VIEW_WINDOW_MINUTES * 60_000);
    const [{ records }] = await tx
      .select({ records: sql<number>`coalesce(sum((${auditEvents.details} ->> 'count')::int), 0)::int` })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, tenantId),
          eq(auditEvents.actorOperatorId, ctx.operatorId),
          gt(auditEvents.occurredAt, since),
          inArray(auditEvents.action, LISTED),
        ),
      );
    const crossed = records > BULK_VIEW_RECORDS && records - view.count <= BULK_VIEW_RECORDS;
    if (crossed) {
      await raiseAlert(tx, {
        tenantId,
        rule: 'pii_bulk_view',
        operator: { operatorId: ctx.operatorId, loginId: ctx.loginId },
        details: { records, windowMinutes: BULK_VIEW_WINDOW_MINUTES },
      });
    }
    return { records, alerted: crossed };
  });
}

/**
 * One site's members, newest first, 50 a page, keyset-paged on members_site_registered_idx. E-mail
 * and phone are masked here, so the full values never leave this module for a list view; the view
 * is audited with the number of records shown.
 */
export async function listMembers(
  ctx: TenantAccess<'members.read'>,
  siteId: string,
  query: z.infer<typeof listMembersQuery>,
) {
  const tenantId = ctx.granted.tenantId;
  const { site, rows } = await withTenantTx(
    tenantId,
    async (tx) => {
      const site = await siteOf(tx, tenantId, siteId);
      const conditions: SQL[] = [eq(members.tenantId, tenantId), eq(members.siteId, siteId)];
      if (query.q) conditions.push(eq(members.memberNo, query.q));
      const keyset = olderThan(members.registeredAt, members.id, query.after);
      if (keyset) conditions.push(keyset);
      const rows = await tx
        .select({
          id: members.id,
          memberNo: members.memberNo,
          name: members.name,
          email: members.email,
          phone: members.phone,
          registeredAt: members.registeredAt,
        })
        .from(members)
        .where(and(...conditions))
        .orderBy(...newestFirst(members.registeredAt, members.id))
        .limit(PII_PAGE_SIZE + 1);
      return { site, rows };
    },
    { readOnly: true },
  );
  const page = rows
    .slice(0, PII_PAGE_SIZE)
    .map((m) => ({ ...m, email: maskEmail(m.email), phone: maskPhone(m.phone) }));
  const last = page.at(-1);
  const { alerted } = await recordListing(ctx, { action: 'members.listed', siteId, count: page.length });
  return {
    site,
    rows: page,
    next: rows.length > PII_PAGE_SIZE && last ? encodeCursor(last.registeredAt.getTime(), last.id) : null,
    alerted,
  };
}
