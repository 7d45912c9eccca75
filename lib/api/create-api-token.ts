import 'server-only';
import { randomBytes } from 'node:crypto';
import { withTenantTx } from '@/db';
import { API_SCOPES, PLATFORM_SCOPES, PLATFORM_TENANT_ID, apiTokens } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { hashSessionToken } from '@/lib/crypto/session-token';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { parseInput } from '@/lib/http/parse-input';
import { z } from '@/lib/http/zod-messages';
import { parseEntries } from '@/lib/allowlists/allowlist';

const MAX_TOKEN_NETWORKS = 100;

export const createTokenInput = z.object({
  name: z.string().trim().min(1).max(100),
  days: z.coerce.number().int().min(1).max(365),
  // A form sends one value per ticked box: a string for one, an array for several.
  scopes: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(z.enum(API_SCOPES)).min(1).max(20)),
  // The allowlist editor's format: "CIDR label" a line; empty: any address the tenant allows.
  networks: z.string().max(20_000).default(''),
});

/** The token's own networks, normalised; the editor's problem keys when a line is refused. */
function tokenNetworks(text: string): string[] {
  const parsed = parseEntries(text);
  const problems = [
    ...parsed.problems.map((p) => `entry:${p.line}:${p.error}:${p.text.slice(0, 60)}`),
    ...parsed.hostBits.map((h) => `host_bits:${h.line}:${h.from}:${h.to}`),
    ...parsed.anyAddress.map((a) => `any_address:${a}`),
  ];
  if (parsed.entries.length > MAX_TOKEN_NETWORKS) problems.push(`too_many_entries:${MAX_TOKEN_NETWORKS}`);
  if (problems.length) throw new AppError('bad_request', { networks: problems.slice(0, 20) });
  return parsed.entries.map((e) => e.cidr);
}

/**
 * A token for one tenant with the scopes chosen, for at most a year, optionally usable only from
 * its own networks; the secret is returned once. The console asks for a step-up first.
 */
export async function createApiToken(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.input<typeof createTokenInput>,
) {
  const parsed = parseInput(createTokenInput, input);
  const scopes = [...new Set(parsed.scopes)].sort();
  const networks = tokenNetworks(parsed.networks);
  const tenantId = ctx.granted.tenantId;
  if (tenantId !== PLATFORM_TENANT_ID && scopes.some((s) => PLATFORM_SCOPES.includes(s)))
    throw new AppError('bad_request', { scopes: ['platform_only'] });
  const token = `mmr_${randomBytes(32).toString('base64url')}`;
  return withTenantTx(tenantId, async (tx) => {
    const expiresAt = new Date(now().getTime() + parsed.days * 86_400_000);
    const [row] = await tx
      .insert(apiTokens)
      .values({
        tenantId,
        name: parsed.name,
        tokenHash: hashSessionToken(token),
        scopes,
        allowedCidrs: networks,
        createdByLoginId: ctx.loginId,
        expiresAt,
      })
      .returning({ id: apiTokens.id });
    await recordAudit(tx, {
      tenantId,
      action: 'api_token.created',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'api_token', id: row.id },
      details: { name: parsed.name, scopes, networks, expiresAt: expiresAt.toISOString() },
    });
    return { id: row.id, token, expiresAt, scopes };
  });
}
