import { AppError } from '@/lib/http/app-error';
import { csvRow } from '@/lib/http/csv';
import { getRotationProgress, listRotationTargets } from '@/lib/passwords/rotation-progress';
import { uuidSchema } from '@/lib/tenancy/schemas';
import { withRoute } from '@/lib/auth/with-route';

/** Who rotated when, for regulators: UTF-8 with BOM (Excel), formula-safe, RFC 4180. */
export const GET = withRoute<{ tenantId: string; campaignId: string }>({ tenant: 'operators.read', tenantParam: 'tenantId' }, async (_req, ctx, { tenantId, campaignId }) => {
  if (!uuidSchema.safeParse(campaignId).success) throw new AppError('not_found');
  const progress = await getRotationProgress(ctx, tenantId, campaignId);
  if (!progress) throw new AppError('not_found');
  const rows = await listRotationTargets(ctx, tenantId, campaignId, undefined, 1_000_000);
  const body =
    '\ufeff' +
    csvRow(['campaign', progress.campaign.reason]) +
    csvRow(['tenant_code', 'tenant_name', 'login_id', 'display_name', 'status', 'rotated_at_utc', 'locked_at_utc', 'last_login_at_utc']) +
    rows.map((r) => csvRow([r.tenantCode, r.tenantName, r.loginId, r.displayName, r.status, r.rotatedAt, r.lockedAt, r.lastLoginAt])).join('');
  return new Response(body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="rotation-${campaignId}.csv"`,
    },
  });
});
