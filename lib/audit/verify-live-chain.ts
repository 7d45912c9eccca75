import 'server-only';
import { asc, eq } from 'drizzle-orm';
import { withOwnerTx } from '@/db';
import { auditCheckpoints, auditEvents } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { chainSigningKeys } from './published-signing-key';
import { checkpointsJsonl, verifyBundle, type BundleVerdict } from './verify-bundle';

/**
 * The offline verifier's check, run on the live database for one tenant's chain: every hash,
 * the sequence, and the signed checkpoints. The check itself is audited.
 */
export async function verifyLiveChain(ctx: TenantAccess<'audit.read'>): Promise<BundleVerdict> {
  const tenantId = ctx.granted.tenantId;
  const { events, checkpoints } = await withOwnerTx(tenantId, async (tx) => ({
    events: await tx.select().from(auditEvents).where(eq(auditEvents.tenantId, tenantId)).orderBy(asc(auditEvents.seq)),
    checkpoints: await tx
      .select()
      .from(auditCheckpoints)
      .where(eq(auditCheckpoints.tenantId, tenantId))
      .orderBy(asc(auditCheckpoints.seq)),
  }));
  const eventsJsonl = events
    .map((e) =>
      JSON.stringify({ ...e, occurredAt: e.occurredAt.toISOString(), hash: Buffer.from(e.hash).toString('hex') }),
    )
    .join('\n');

  const verdict = verifyBundle(eventsJsonl, checkpointsJsonl(checkpoints), (await chainSigningKeys(tenantId)) ?? '');
  await withOwnerTx(tenantId, (tx) =>
    recordAudit(tx, {
      tenantId,
      action: 'audit.verified',
      outcome: verdict.ok ? 'success' : 'failure',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: verdict.ok
        ? { events: verdict.events, lastSeq: verdict.lastSeq }
        : { damage: verdict.damage, seq: verdict.seq },
    }),
  );
  return verdict;
}
