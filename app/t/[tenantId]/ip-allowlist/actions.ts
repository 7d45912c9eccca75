'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { z } from '@/lib/http/zod-messages';
import { breakGlassInput, grantBreakGlass } from '@/lib/allowlists/grant-break-glass';
import { checkIp, checkIpInput } from '@/lib/allowlists/check-ip';
import { saveIpAllowlist, saveIpAllowlistInput } from '@/lib/allowlists/save-ip-allowlist';
import { setIpAllowlistMode, setModeInput } from '@/lib/allowlists/set-ip-allowlist-mode';
import { ifMatchInput, uuidSchema } from '@/lib/http/input-schemas';
import { blockAddress, blockAddressInput } from '@/lib/allowlists/block-address';
import { liftAddressBlock, liftAddressBlockInput } from '@/lib/allowlists/lift-address-block';

const owner = z.object({
  tenantId: uuidSchema,
  operatorId: z.preprocess((v) => (v === '' ? null : v), uuidSchema.nullable()),
});
const page = (i: { tenantId: string }) => revalidatePath(`/t/${i.tenantId}/ip-allowlist`);

export const saveIpAllowlistAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts saveIpAllowlistAction',
  owner.extend(saveIpAllowlistInput.shape).extend(ifMatchInput.shape),
  async (ctx, { tenantId, operatorId, ifMatch, ...input }) => {
    const r = await saveIpAllowlist(ctx, operatorId, input, { ifMatch });
    page({ tenantId });
    return { ok: true, data: r };
  },
);

export const setIpAllowlistModeAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts setIpAllowlistModeAction',
  owner.extend(setModeInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    await setIpAllowlistMode(ctx, operatorId, input);
    page({ tenantId });
    return { ok: true };
  },
);

export const checkIpAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts checkIpAction',
  owner.extend(checkIpInput.shape),
  async (ctx, { operatorId, ...input }) => {
    const r = await checkIp(ctx, operatorId, { ...input, loginId: input.loginId || undefined });
    return { ok: true, data: r as unknown as Record<string, unknown> };
  },
);

/** Break-glass is platform staff's: the permission is checked on the platform, the target in its tenant. */
export const grantBreakGlassAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts grantBreakGlassAction',
  z.object({ tenantId: uuidSchema, operatorId: uuidSchema }).extend(breakGlassInput.shape),
  async (ctx, { tenantId, operatorId, ...input }) => {
    const r = await grantBreakGlass(ctx, tenantId, operatorId, input);
    revalidatePath(`/t/${tenantId}/operators/${operatorId}`);
    return { ok: true, data: { expiresAt: r.expiresAt.toISOString() } };
  },
);

/** Blocks an address for the route's tenant (the platform's: everyone). */
export const blockAddressAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts blockAddressAction',
  z.object({ tenantId: uuidSchema }).extend(blockAddressInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const r = await blockAddress(ctx, input);
    page({ tenantId });
    return { ok: true, data: { cidr: r.cidr, expiresAt: r.expiresAt.toISOString() } };
  },
);

export const liftAddressBlockAction = withAction(
  'app/t/[tenantId]/ip-allowlist/actions.ts liftAddressBlockAction',
  z.object({ tenantId: uuidSchema }).extend(liftAddressBlockInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await liftAddressBlock(ctx, input);
    page({ tenantId });
    return { ok: true };
  },
);
