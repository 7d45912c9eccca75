import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipAllowlistEntries, ipAllowlists } from '@/db/schema';
import { byActor, recordAudit } from '@/lib/audit/record-audit';
import type { SteppedUpActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { assertIfMatch } from '@/lib/http/etag';
import { allowlistTag, decisionFor, draftEntries, lockList, type ListOwner } from './ip-allowlist-draft';

export const saveIpAllowlistInput = z.object({
  entries: z.string().max(200_000),
  confirmHostBits: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
  confirmAnyAddress: z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean()),
});

/**
 * Replaces a list with the editor's entries. Refuses junk (by line), unconfirmed host-bit
 * normalisation or allow-everything entries, more than 1,000 entries, and any list that would
 * lock out the person (or API client) saving it, and a stale If-Match. Writes `ip_allowlist.updated`
 * with what was added and removed; answers the list's new ETag.
 */
export async function saveIpAllowlist(
  ctx: SteppedUpActor<'security.write', 'allowlist:write'>,
  operatorId: string | null,
  input: z.infer<typeof saveIpAllowlistInput>,
  options: { ifMatch?: string } = {},
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  const parsed = draftEntries(input);

  return withTenantTx(owner.tenantId, async (tx) => {
    const existing = await lockList(tx, owner);
    const mode = existing?.mode ?? 'enforce';
    const listId = existing?.id ?? crypto.randomUUID();
    const before = existing
      ? await tx
          .select({ cidr: ipAllowlistEntries.cidr, label: ipAllowlistEntries.label })
          .from(ipAllowlistEntries)
          .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, listId)))
      : [];
    // Under the row lock: no other save can come between the read this If-Match names and this write.
    assertIfMatch(options.ifMatch, allowlistTag(mode, before));
    // Self-lockout guard: the saver must still get in under the new list.
    if (mode === 'enforce') {
      const mine = await decisionFor(tx, ctx, ctx.ip, { owner, cidrs: parsed.entries.map((e) => e.cidr), mode });
      if (!mine.allowed) throw new AppError('conflict', { entries: [`lockout:${ctx.ip}`] });
    }
    if (existing) {
      await tx
        .update(ipAllowlists)
        .set({ version: sql`${ipAllowlists.version} + 1`, entryCount: parsed.entries.length, updatedAt: now() })
        .where(and(eq(ipAllowlists.tenantId, owner.tenantId), eq(ipAllowlists.id, listId)));
      await tx
        .delete(ipAllowlistEntries)
        .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, listId)));
    } else {
      // Two first saves at once: there was no row to lock, so the later one finds the other's here.
      const [made] = await tx
        .insert(ipAllowlists)
        .values({
          tenantId: owner.tenantId,
          id: listId,
          operatorId: owner.operatorId,
          entryCount: parsed.entries.length,
        })
        .onConflictDoNothing()
        .returning({ id: ipAllowlists.id });
      if (!made) throw new AppError('precondition_failed', { 'If-Match': ['stale'] });
    }
    const previous = new Map(before.map((b) => [b.cidr, b]));
    if (parsed.entries.length) {
      await tx.insert(ipAllowlistEntries).values(
        parsed.entries.map((e) => ({
          tenantId: owner.tenantId,
          listId,
          cidr: e.cidr,
          label: e.label,
          createdByLoginId: ctx.loginId,
        })),
      );
    }
    const now_ = new Set(parsed.entries.map((e) => e.cidr));
    const added = parsed.entries.filter((e) => !previous.has(e.cidr)).map((e) => e.cidr);
    const removed = before.filter((b) => !now_.has(b.cidr)).map((b) => b.cidr);
    await recordAudit(tx, {
      tenantId: owner.tenantId,
      action: 'ip_allowlist.updated',
      outcome: 'success',
      ...byActor(ctx),
      target: owner.operatorId ? { type: 'operator', id: owner.operatorId } : { type: 'tenant', id: owner.tenantId },
      details: {
        layer: owner.operatorId ? 'operator' : 'tenant',
        count: parsed.entries.length,
        added: added.slice(0, 200),
        removed: removed.slice(0, 200),
        addedCount: added.length,
        removedCount: removed.length,
      },
    });
    return {
      count: parsed.entries.length,
      added: added.length,
      removed: removed.length,
      etag: allowlistTag(mode, parsed.entries),
    };
  });
}
