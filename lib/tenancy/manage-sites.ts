import 'server-only';
import { and, eq } from 'drizzle-orm';
import { withTenantTx, type Tx } from '@/db';
import { sites } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess } from '@/lib/kernel/access';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { reasonInput } from '@/lib/http/input-schemas';

const siteName = z.string().trim().min(1).max(100);

export const addSiteInput = z.object({
  code: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z
        .string()
        .min(2)
        .max(32)
        .regex(/^[a-z0-9][a-z0-9-]*$/),
    ),
  name: siteName,
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .max(253)
    .refine(
      (v) => v === '' || /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(v),
      'invalid_format',
    )
    .transform((v) => v || null),
});

export async function addSite(ctx: TenantAccess<'tenants.write'>, input: z.infer<typeof addSiteInput>) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const [row] = await tx
      .insert(sites)
      .values({ tenantId, ...input })
      .onConflictDoNothing()
      .returning({ id: sites.id });
    if (!row) throw new AppError('conflict', { code: ['taken'] });
    await recordAudit(tx, {
      tenantId,
      action: 'site.added',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'site', id: row.id },
      details: input,
    });
    return { siteId: row.id };
  });
}

async function lockSite(tx: Tx, tenantId: string, siteId: string) {
  const [row] = await tx
    .select({ name: sites.name, status: sites.status, code: sites.code })
    .from(sites)
    .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)))
    .for('update');
  if (!row) throw new AppError('not_found');
  return row;
}

export const renameSiteInput = z.object({ name: siteName });

export async function renameSite(
  ctx: TenantAccess<'tenants.write'>,
  siteId: string,
  input: z.infer<typeof renameSiteInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockSite(tx, tenantId, siteId);
    await tx
      .update(sites)
      .set({ name: input.name })
      .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
    await recordAudit(tx, {
      tenantId,
      action: 'site.renamed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'site', id: siteId },
      details: { code: before.code, before: before.name, after: input.name },
    });
  });
}

export async function closeSite(
  ctx: TenantAccess<'tenants.write'>,
  siteId: string,
  input: z.infer<typeof reasonInput>,
) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(tenantId, async (tx) => {
    const before = await lockSite(tx, tenantId, siteId);
    if (before.status === 'closed') return;
    await tx
      .update(sites)
      .set({ status: 'closed' })
      .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
    await recordAudit(tx, {
      tenantId,
      action: 'site.closed',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'site', id: siteId },
      details: { code: before.code, name: before.name, reason: input.reason },
    });
  });
}
