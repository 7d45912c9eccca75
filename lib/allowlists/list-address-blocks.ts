import 'server-only';
import { and, desc, eq, gt, or } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipBlocks } from '@/db/schema';
import { now } from '@/lib/clock';
import type { TenantAccess } from '@/lib/kernel/access';

/** How long an ended block is still listed beside the live ones. */
const ENDED_SHOWN_MS = 30 * 86_400_000;

/** The granted owner's blocks: live ones first, then those ended in the last 30 days. */
export async function listAddressBlocks(ctx: TenantAccess<'security.write' | 'audit.read'>) {
  const owner = ctx.granted.tenantId;
  const at = now();
  const rows = await withTenantTx(
    owner,
    (tx) =>
      tx
        .select({
          id: ipBlocks.id,
          cidr: ipBlocks.cidr,
          reason: ipBlocks.reason,
          createdByLoginId: ipBlocks.createdByLoginId,
          createdAt: ipBlocks.createdAt,
          expiresAt: ipBlocks.expiresAt,
          liftedAt: ipBlocks.liftedAt,
          liftedByLoginId: ipBlocks.liftedByLoginId,
        })
        .from(ipBlocks)
        .where(
          and(
            eq(ipBlocks.tenantId, owner),
            or(
              gt(ipBlocks.expiresAt, new Date(at.getTime() - ENDED_SHOWN_MS)),
              gt(ipBlocks.liftedAt, new Date(at.getTime() - ENDED_SHOWN_MS)),
            ),
          ),
        )
        .orderBy(desc(ipBlocks.createdAt))
        .limit(500),
    { readOnly: true },
  );
  const live = (r: (typeof rows)[number]) => r.liftedAt === null && r.expiresAt.getTime() > at.getTime();
  return rows
    .map((r) => ({ ...r, live: live(r) }))
    .sort((a, b) => Number(b.live) - Number(a.live) || b.createdAt.getTime() - a.createdAt.getTime());
}
