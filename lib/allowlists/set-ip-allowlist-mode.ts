import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipAllowlistEntries, ipAllowlists } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { decisionFor, lockList, type ListOwner } from './ip-allowlist-draft';

export const setModeInput = z.object({ mode: z.enum(['enforce', 'monitor']) });

/** Monitor mode lets a tenant switch on safely; switching to enforce is refused if it locks the saver out. */
export async function setIpAllowlistMode(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  operatorId: string | null,
  input: z.infer<typeof setModeInput>,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  return withTenantTx(owner.tenantId, async (tx) => {
    const existing = await lockList(tx, owner);
    const before = existing?.mode ?? 'enforce';
    if (before === input.mode) return;
    if (input.mode === 'enforce' && existing) {
      const cidrs = (
        await tx
          .select({ cidr: ipAllowlistEntries.cidr })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, existing.id)))
      ).map((r) => r.cidr);
      const mine = await decisionFor(tx, ctx, ctx.ip, { owner, cidrs, mode: 'enforce' });
      if (!mine.allowed) throw new AppError('conflict', { mode: [`lockout:${ctx.ip}`] });
    }
    if (existing) {
      await tx
        .update(ipAllowlists)
        .set({ mode: input.mode, version: sql`${ipAllowlists.version} + 1`, updatedAt: now() })
        .where(and(eq(ipAllowlists.tenantId, owner.tenantId), eq(ipAllowlists.id, existing.id)));
    } else {
      await tx
        .insert(ipAllowlists)
        .values({ tenantId: owner.tenantId, operatorId: owner.operatorId, mode: input.mode });
    }
    await recordAudit(tx, {
      tenantId: owner.tenantId,
      action: 'ip_allowlist.mode_changed',
      outcome: 'success',
      ...byOperator(ctx),
      target: owner.operatorId ? { type: 'operator', id: owner.operatorId } : { type: 'tenant', id: owner.tenantId },
      details: { layer: owner.operatorId ? 'operator' : 'tenant', before, after: input.mode },
    });
  });
}
