import { exportAuditBundle } from '@/lib/audit/export-bundle';
import { withRoute } from '@/lib/auth/with-route';

/** The regulator bundle of one tenant's audit chain (tar), verifiable offline with audit:verify. */
export const GET = withRoute<{ tenantId: string }>({ tenant: 'audit.read', tenantParam: 'tenantId' }, async (_req, ctx, { tenantId }) => {
  const { tar, name } = await exportAuditBundle(ctx, tenantId);
  return new Response(new Uint8Array(tar), {
    headers: { 'content-type': 'application/x-tar', 'content-disposition': `attachment; filename="${name}"` },
  });
});
