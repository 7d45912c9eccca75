import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipAllowlists, operators } from '@/db/schema';
import type { TenantAccess } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { parseCidr } from '@/lib/ip/ip';
import { parseEntries } from './allowlist';
import { decisionFor, ownerWhere, type ListOwner } from './ip-allowlist-draft';

export const checkIpInput = z.object({
  ip: z.string().trim().max(64),
  loginId: z.string().trim().max(256).optional(),
  entries: z.string().max(200_000).optional(),
});

/**
 * "Check an IP": would this address be allowed for an operator (by default the caller, when the
 * list applies to them, else any operator of the tenant without a list of their own), under the
 * saved rules and under the draft in the editor, and which layer would refuse it.
 */
export async function checkIp(
  ctx: TenantAccess<'security.write'>,
  operatorId: string | null,
  input: z.infer<typeof checkIpInput>,
) {
  const owner: ListOwner = { tenantId: ctx.granted.tenantId, operatorId };
  if (!parseCidr(input.ip).ok || input.ip.includes('/')) throw new AppError('bad_request', { ip: ['invalid_format'] });
  return withTenantTx(owner.tenantId, async (tx) => {
    let subject = {
      tenantId: owner.tenantId,
      operatorId:
        owner.operatorId ?? (ctx.tenantId === owner.tenantId ? ctx.operatorId : '00000000-0000-0000-0000-000000000000'),
    };
    if (input.loginId) {
      const [op] = await tx
        .select({ id: operators.id })
        .from(operators)
        .where(and(eq(operators.tenantId, owner.tenantId), eq(operators.loginIdKey, input.loginId.toLowerCase())));
      if (!op) throw new AppError('bad_request', { loginId: ['unknown_operator'] });
      subject = { tenantId: owner.tenantId, operatorId: op.id };
    }
    const [list] = await tx.select({ mode: ipAllowlists.mode }).from(ipAllowlists).where(ownerWhere(owner));
    const saved = await decisionFor(tx, subject, input.ip);
    const draftParsed = input.entries !== undefined ? parseEntries(input.entries) : null;
    const draft = draftParsed
      ? await decisionFor(tx, subject, input.ip, {
          owner,
          cidrs: draftParsed.entries.map((e) => e.cidr),
          mode: 'enforce',
        })
      : null;
    return { saved, draft, mode: list?.mode ?? 'enforce' };
  });
}
