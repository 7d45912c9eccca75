import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '@/db';
import { rotationCampaigns } from '@/db/schema';
import { AppError } from '@/lib/http/app-error';

/** An active campaign of this owner, locked for a change of its own; otherwise not found or a conflict. */
export async function lockCampaign(tx: Tx, ownerTenantId: string, campaignId: string) {
  const [row] = await tx
    .select({ status: rotationCampaigns.status, deadline: rotationCampaigns.deadline })
    .from(rotationCampaigns)
    .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)))
    .for('update');
  if (!row) throw new AppError('not_found');
  if (row.status !== 'active') throw new AppError('conflict', { campaign: ['not_active'] });
  return row;
}
