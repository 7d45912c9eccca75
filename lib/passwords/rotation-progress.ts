import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { rotationCampaigns, tenants } from '@/db/schema';
import type { TenantActor } from '@/lib/kernel/access';

/** Who may read campaigns: a person with operators.read, or a token with a rotation scope. */
type Reader = TenantActor<'operators.read', 'rotation:read' | 'rotation:write'>;

/** Campaigns owned by one tenant (or the platform), newest first. */
export async function listRotationCampaigns(ctx: Reader) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, (tx) =>
    tx
      .select({
        id: rotationCampaigns.id,
        reason: rotationCampaigns.reason,
        deadline: rotationCampaigns.deadline,
        status: rotationCampaigns.status,
        startedAt: rotationCampaigns.startedAt,
        startedByLoginId: rotationCampaigns.startedByLoginId,
        targetCount: rotationCampaigns.targetCount,
        tenantCount: rotationCampaigns.tenantCount,
      })
      .from(rotationCampaigns)
      .where(eq(rotationCampaigns.tenantId, ownerTenantId))
      .orderBy(desc(rotationCampaigns.startedAt))
      .limit(100),
  );
}

export interface TenantProgress {
  tenantId: string;
  tenantName: string;
  tenantCode: string;
  total: number;
  rotated: number;
  pending: number;
  locked: number;
  notLoggedInSince: number;
}

/**
 * One campaign and its progress per tenant, laggards first (most pending, then lowest share
 * rotated). One grouped query over the campaign's targets, served by its index.
 */
export async function getRotationProgress(ctx: Reader, campaignId: string) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) => {
    const [campaign] = await tx
      .select({
        id: rotationCampaigns.id,
        reason: rotationCampaigns.reason,
        deadline: rotationCampaigns.deadline,
        status: rotationCampaigns.status,
        startedAt: rotationCampaigns.startedAt,
        startedByLoginId: rotationCampaigns.startedByLoginId,
        revokeSessions: rotationCampaigns.revokeSessions,
        targetCount: rotationCampaigns.targetCount,
      })
      .from(rotationCampaigns)
      .where(and(eq(rotationCampaigns.tenantId, ownerTenantId), eq(rotationCampaigns.id, campaignId)));
    if (!campaign) return null;
    // Counted from the targets alone (index-only on owner, campaign, tenant, status, seen_at), then
    // the ~1 row per tenant named by key: joined in one statement, the planner takes the tenants
    // under row-level security for a handful of rows and rescans them for every group.
    const counts = rowsOf<Omit<TenantProgress, 'tenantName' | 'tenantCode'>>(
      await tx.execute(sql`
        select tenant_id as "tenantId",
               count(*)::int as total,
               count(*) filter (where status = 'rotated')::int as rotated,
               count(*) filter (where status = 'pending')::int as pending,
               count(*) filter (where status = 'locked')::int as locked,
               count(*) filter (where status in ('pending', 'locked') and seen_at is null)::int as "notLoggedInSince"
          from rotation_targets
         where campaign_tenant_id = ${ownerTenantId} and campaign_id = ${campaignId}
         group by tenant_id`),
    );
    const names = new Map(
      counts.length === 0
        ? []
        : (
            await tx
              .select({ id: tenants.id, name: tenants.name, code: tenants.code })
              .from(tenants)
              .where(
                inArray(
                  tenants.id,
                  counts.map((c) => c.tenantId),
                ),
              )
          ).map((t) => [t.id, t]),
    );
    // Laggards first: most pending or locked, then the lowest share rotated, then by code.
    const tenantsProgress: TenantProgress[] = counts
      .filter((c) => names.has(c.tenantId))
      .map((c) => ({ ...c, tenantName: names.get(c.tenantId)!.name, tenantCode: names.get(c.tenantId)!.code }))
      .sort(
        (a, b) =>
          b.pending + b.locked - (a.pending + a.locked) ||
          a.rotated / a.total - b.rotated / b.total ||
          (a.tenantCode < b.tenantCode ? -1 : a.tenantCode > b.tenantCode ? 1 : 0),
      );
    const totals = tenantsProgress.reduce(
      (a, r) => ({
        total: a.total + r.total,
        rotated: a.rotated + r.rotated,
        pending: a.pending + r.pending,
        locked: a.locked + r.locked,
        notLoggedInSince: a.notLoggedInSince + r.notLoggedInSince,
      }),
      { total: 0, rotated: 0, pending: 0, locked: 0, notLoggedInSince: 0 },
    );
    return { campaign, tenants: tenantsProgress, totals };
  });
}

export interface OperatorProgress {
  tenantCode: string;
  tenantName: string;
  loginId: string;
  displayName: string;
  status: 'pending' | 'rotated' | 'locked' | 'cancelled';
  rotatedAt: Date | null;
  lockedAt: Date | null;
  lastLoginAt: Date | null;
}

/** Per-operator state, optionally for one tenant; also feeds the CSV report. */
export async function listRotationTargets(ctx: Reader, campaignId: string, tenantId?: string, limit = 500) {
  const ownerTenantId = ctx.granted.tenantId;
  return withOwnerTx(ownerTenantId, async (tx) =>
    rowsOf<OperatorProgress>(
      await tx.execute(sql`
        select tn.code as "tenantCode", tn.name as "tenantName", o.login_id as "loginId", o.display_name as "displayName",
               t.status, t.rotated_at as "rotatedAt", t.locked_at as "lockedAt", o.last_login_at as "lastLoginAt"
          from rotation_targets t
          join operators o on o.tenant_id = t.tenant_id and o.id = t.operator_id
          join tenants tn on tn.id = t.tenant_id
         where t.campaign_tenant_id = ${ownerTenantId} and t.campaign_id = ${campaignId} ${tenantId ? sql`and t.tenant_id = ${tenantId}` : sql``}
         order by tn.code, t.status desc, o.login_id_key
         limit ${limit}`),
    ).map((r) => ({
      ...r,
      rotatedAt: r.rotatedAt && new Date(r.rotatedAt),
      lockedAt: r.lockedAt && new Date(r.lockedAt),
      lastLoginAt: r.lastLoginAt && new Date(r.lastLoginAt),
    })),
  );
}
