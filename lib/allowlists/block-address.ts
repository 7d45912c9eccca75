import 'server-only';
import { withTenantTx } from '@/db';
import { PLATFORM_TENANT_ID, ipBlocks } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { bumpBlockVersion } from './bump-block-version';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { reasonSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { cidrContains, parseCidr, parseIp } from '@/lib/ip/ip';
import type { SteppedUp, TenantAccess } from '@/lib/kernel/access';

/** How long a block may last, in hours: from an hour to 90 days; it can be lifted earlier. */
export const BLOCK_HOURS = [1, 24, 24 * 7, 24 * 30, 24 * 90] as const;

export const blockAddressInput = z.object({
  cidr: z.string().trim().min(1).max(64),
  hours: z.coerce
    .number()
    .int()
    .refine((h) => (BLOCK_HOURS as readonly number[]).includes(h)),
  reason: reasonSchema,
});

// Narrower than this is a network, not an attacker: a platform-wide /8 would lock out a country.
const WIDEST = { 4: 16, 6: 48 } as const;

/**
 * Blocks an address or a network until `hours` from now: the granted tenant's operators and
 * tokens, or everyone when granted on the platform. Refused on every request and login from the
 * next one on, whatever the allowlists say. The caller's own address is refused (it would lock
 * them out mid-incident).
 */
export async function blockAddress(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof blockAddressInput>,
) {
  const parsed = parseCidr(input.cidr);
  if (!parsed.ok) throw new AppError('bad_request', { cidr: ['invalid_format'] });
  if (parsed.cidr.prefix < WIDEST[parsed.cidr.version]) throw new AppError('bad_request', { cidr: ['block_too_wide'] });
  const own = parseIp(ctx.ip);
  if (own && cidrContains(parsed.cidr, own)) throw new AppError('bad_request', { cidr: ['blocks_own_address'] });
  const owner = ctx.granted.tenantId;
  const expiresAt = new Date(now().getTime() + input.hours * 3_600_000);
  return withTenantTx(owner, async (tx) => {
    const [block] = await tx
      .insert(ipBlocks)
      .values({
        tenantId: owner,
        cidr: parsed.normalized,
        reason: input.reason,
        createdByLoginId: ctx.loginId,
        createdAt: now(),
        expiresAt,
      })
      .returning({ id: ipBlocks.id });
    await bumpBlockVersion(tx, owner);
    await recordAudit(tx, {
      tenantId: owner,
      action: 'ip_block.added',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'ip_block', id: block.id },
      details: {
        cidr: parsed.normalized,
        scope: owner === PLATFORM_TENANT_ID ? 'platform' : 'tenant',
        expiresAt: expiresAt.toISOString(),
        reason: input.reason,
      },
    });
    return { id: block.id, cidr: parsed.normalized, expiresAt };
  });
}
