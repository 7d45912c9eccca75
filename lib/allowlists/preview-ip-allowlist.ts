import 'server-only';
import { and, eq, gt, isNotNull } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipAllowlistEntries, ipAllowlists, operators } from '@/db/schema';
import type { TenantActor } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { assertIfMatch } from '@/lib/http/etag';
import { allowlistTag, decisionFor, draftEntries, ownerWhere, type ListOwner } from './ip-allowlist-draft';

/** Sign-ins older than this say little about where an operator works from today. */
const RECENT_MS = 90 * 86_400_000;
const MAX_LISTED = 200;
// Each operator's decision is a few reads: a dry run looks at this many at most.
const MAX_CHECKED = 1000;

/**
 * A dry run of replacing the tenant's list: what a save would answer (the same 400 for junk, 412
 * for a stale If-Match, 409 if it would lock out the caller), which entries it adds and removes,
 * and which active operators would be refused at the address they last signed in from (in the
 * last 90 days; the first 1,000 by login ID) while they are allowed there today. Nothing is written.
 */
export async function previewIpAllowlist(
  ctx: TenantActor<'security.write', 'allowlist:write'>,
  input: { entries: string; confirmHostBits: boolean; confirmAnyAddress: boolean },
  options: { ifMatch?: string } = {},
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId: null };
  const parsed = draftEntries(input);
  return withTenantTx(
    owner.tenantId,
    async (tx) => {
      const [existing] = await tx
        .select({ id: ipAllowlists.id, mode: ipAllowlists.mode })
        .from(ipAllowlists)
        .where(ownerWhere(owner));
      const mode = existing?.mode ?? 'enforce';
      const before = existing
        ? await tx
            .select({ cidr: ipAllowlistEntries.cidr, label: ipAllowlistEntries.label })
            .from(ipAllowlistEntries)
            .where(and(eq(ipAllowlistEntries.tenantId, owner.tenantId), eq(ipAllowlistEntries.listId, existing.id)))
        : [];
      assertIfMatch(options.ifMatch, allowlistTag(mode, before));
      const draft = { owner, cidrs: parsed.entries.map((e) => e.cidr), mode: 'enforce' as const };
      const caller = await decisionFor(tx, ctx, ctx.ip, draft);
      const recent = await tx
        .select({ id: operators.id, loginId: operators.loginId, ip: operators.lastLoginIp })
        .from(operators)
        .where(
          and(
            eq(operators.tenantId, owner.tenantId),
            eq(operators.status, 'active'),
            isNotNull(operators.lastLoginIp),
            gt(operators.lastLoginAt, new Date(now().getTime() - RECENT_MS)),
          ),
        )
        .orderBy(operators.loginIdKey)
        .limit(MAX_CHECKED);
      const refused: { operatorId: string; loginId: string; lastLoginIp: string; refusedBy: string }[] = [];
      for (const op of recent) {
        const who = { tenantId: owner.tenantId, operatorId: op.id };
        const after = await decisionFor(tx, who, op.ip!, draft);
        if (after.allowed || !(await decisionFor(tx, who, op.ip!)).allowed) continue;
        refused.push({
          operatorId: op.id,
          loginId: op.loginId,
          lastLoginIp: op.ip!,
          refusedBy: after.deniedBy ?? 'tenant',
        });
      }
      const beforeSet = new Set(before.map((b) => b.cidr));
      const afterSet = new Set(draft.cidrs);
      return {
        mode,
        count: parsed.entries.length,
        added: draft.cidrs.filter((c) => !beforeSet.has(c)),
        removed: before.map((b) => b.cidr).filter((c) => !afterSet.has(c)),
        // Monitor mode refuses nobody yet; the answer says who enforce would refuse.
        callerAllowed: caller.allowed,
        refusedOperators: refused.slice(0, MAX_LISTED),
        refusedOperatorCount: refused.length,
      };
    },
    { readOnly: true },
  );
}
