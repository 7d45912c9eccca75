import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { AppError } from '@/lib/http/app-error';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

/** Removes a stream and its sealed secret; the removal (and how far it had delivered) is audited. */
export async function removeStream(ctx: SteppedUp<TenantAccess<'security.write'>>, streamId: string) {
  const tenantId = ctx.granted.tenantId;
  await withOwnerTx(tenantId, async (tx) => {
    const [row] = rowsOf<{ name: string; cursor_seq: string | number }>(
      await tx.execute(sql`
        delete from audit_streams where tenant_id = ${tenantId} and id = ${streamId} returning name, cursor_seq`),
    );
    if (!row) throw new AppError('not_found');
    await recordAudit(tx, {
      tenantId,
      action: 'audit_stream.removed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'audit_stream', id: streamId },
      details: { name: row.name, deliveredSeq: Number(row.cursor_seq) },
    });
  });
}
