import 'server-only';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { ipBlocks } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { bumpBlockVersion } from './bump-block-version';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema, uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import type { TenantAccess } from '@/lib/kernel/access';

export const liftAddressBlockInput = z.object({ blockId: uuidSchema, reason: reasonSchema });

/** Ends a live block of the granted owner before its expiry; the row stays as the record. */
export async function liftAddressBlock(
  ctx: TenantAccess<'security.write'>,
  input: z.infer<typeof liftAddressBlockInput>,
) {
  const owner = ctx.granted.tenantId;
  return withTenantTx(owner, async (tx) => {
    const at = now();
    const [lifted] = await tx
      .update(ipBlocks)
      .set({ liftedAt: at, liftedByLoginId: ctx.loginId })
      .where(
        and(
          eq(ipBlocks.tenantId, owner),
          eq(ipBlocks.id, input.blockId),
          isNull(ipBlocks.liftedAt),
          sql`${ipBlocks.expiresAt} > ${at.toISOString()}`,
        ),
      )
      .returning({ cidr: ipBlocks.cidr });
    if (!lifted) throw new AppError('not_found');
    await bumpBlockVersion(tx, owner);
    await recordAudit(tx, {
      tenantId: owner,
      action: 'ip_block.lifted',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'ip_block', id: input.blockId },
      details: { cidr: lifted.cidr, reason: input.reason },
    });
  });
}
