import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { members } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { recordIdSchema } from './list-members';

/**
 * One member's full record, unmasked, audited in the same transaction. The event names the member
 * and its number, never the personal data itself (the audit trail is exported and kept for years).
 */
export async function revealMember(ctx: TenantAccess<'members.read'>, memberId: string) {
  const tenantId = ctx.granted.tenantId;
  if (!recordIdSchema.safeParse(memberId).success) throw new AppError('not_found');
  return withTenantTx(tenantId, async (tx) => {
    const [member] = await tx
      .select()
      .from(members)
      .where(and(eq(members.tenantId, tenantId), eq(members.id, memberId)));
    if (!member) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'member.revealed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'member', id: member.id },
      details: { siteId: member.siteId, memberNo: member.memberNo },
    });
    return member;
  });
}
