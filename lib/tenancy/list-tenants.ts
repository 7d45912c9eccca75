import 'server-only';
import { and, asc, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { tenants } from '@/db/schema';
import type { PlatformAccess, TokenAccess } from '@/lib/kernel/access';
import { decodeCursor, encodeCursor } from '@/lib/http/cursor';
import { z } from '@/lib/http/zod-messages';

const SORTS = {
  name: tenants.name,
  code: tenants.code,
  sites: tenants.siteCount,
  operators: tenants.operatorCount,
  status: tenants.status,
  activity: tenants.lastActivityAt,
} as const;

export const listTenantsQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  sort: z.enum(Object.keys(SORTS) as [keyof typeof SORTS, ...(keyof typeof SORTS)[]]).catch('name'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  after: z.string().max(1000).optional().catch(undefined),
});
export type ListTenantsQuery = z.infer<typeof listTenantsQuery>;

export const PAGE_SIZE = 50;

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Customer tenants for platform staff (the caller has passed authorizePlatform): search, sort by
 * any column and keyset paging on (column, id), each sort served by its own index.
 */
export async function listTenants(
  _ctx: PlatformAccess<'tenants.list'> | TokenAccess<'tenants:read'>,
  query: ListTenantsQuery,
  pageSize = PAGE_SIZE,
) {
  const column = SORTS[query.sort];
  const cursor = decodeCursor(query.after);
  const conditions: SQL[] = [eq(tenants.kind, 'tenant')];
  if (query.q) {
    const pattern = `%${escapeLike(query.q)}%`;
    conditions.push(or(ilike(tenants.name, pattern), ilike(tenants.code, pattern))!);
  }
  if (cursor) {
    const value =
      query.sort === 'activity' && typeof cursor.value === 'string'
        ? new Date(cursor.value).toISOString()
        : cursor.value;
    const op = query.dir === 'asc' ? sql`>` : sql`<`;
    conditions.push(sql`(${column}, ${tenants.id}) ${op} (${value}, ${cursor.id})`);
  }
  const order = query.dir === 'asc' ? [asc(column), asc(tenants.id)] : [desc(column), desc(tenants.id)];
  const rows = await withPlatformTx((tx) =>
    tx
      .select({
        id: tenants.id,
        code: tenants.code,
        name: tenants.name,
        status: tenants.status,
        siteCount: tenants.siteCount,
        operatorCount: tenants.operatorCount,
        lastActivityAt: tenants.lastActivityAt,
      })
      .from(tenants)
      .where(and(...conditions))
      .orderBy(...order)
      .limit(pageSize + 1),
  );
  const page = rows.slice(0, pageSize);
  const last = page.at(-1);
  const sortValue = (r: (typeof page)[number]) =>
    ({
      name: r.name,
      code: r.code,
      sites: r.siteCount,
      operators: r.operatorCount,
      status: r.status,
      activity: r.lastActivityAt.toISOString(),
    })[query.sort];
  return { rows: page, next: rows.length > pageSize && last ? encodeCursor(sortValue(last), last.id) : null };
}
