import 'server-only';
import { withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import type { BundleVerdict } from './verify-bundle';
import { verifyStoredChain } from './verify-stored-chain';

/** The offline verifier's check, run on the live database for one tenant's chain; the check itself is audited. */
export async function verifyLiveChain(ctx: TenantAccess<'audit.read'>): Promise<BundleVerdict> {
  const tenantId = ctx.granted.tenantId;
  const verdict = await verifyStoredChain(tenantId);
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
