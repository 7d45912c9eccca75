import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

/**
 * Pauses a stream (the cursor stays where the receiver last acknowledged) or resumes it (at once,
 * from that cursor: nothing is skipped). Audited; asking for the state it is in changes nothing.
 */
export async function setStreamStatus(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  streamId: string,
  status: 'running' | 'paused',
) {
  const tenantId = ctx.granted.tenantId;
  await withOwnerTx(tenantId, async (tx) => {
    const [row] = rowsOf<{ name: string; status: string }>(
      await tx.execute(sql`
        select name, status from audit_streams where tenant_id = ${tenantId} and id = ${streamId} for update`),
    );
    if (!row) throw new AppError('not_found');
    if (row.status === status) return;
    await tx.execute(sql`
      update audit_streams set status = ${status}, lease_until = null, attempts = 0,
             next_attempt_at = ${now().toISOString()}
       where tenant_id = ${tenantId} and id = ${streamId}`);
    await recordAudit(tx, {
      tenantId,
      action: status === 'paused' ? 'audit_stream.paused' : 'audit_stream.resumed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'audit_stream', id: streamId },
      details: { name: row.name },
    });
  });
}
