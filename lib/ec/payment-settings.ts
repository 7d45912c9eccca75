import 'server-only';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { withTenantTx } from '@/db';
import { auditEvents, paymentSettings, sites } from '@/db/schema';
import { raiseAlert } from '@/lib/alerts/raise-alert';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';
import { maskSecret, openPaymentSecret, sealPaymentSecret } from './payment-crypto';
import { REVEAL_SECONDS } from './reveal-window';

// A new key or secret; empty keeps the stored one. At least 8 characters, so the masked last four
// never show half of it.
const newSecret = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === '' || v.length >= 8, 'too_short:8')
  .optional();

export const paymentSettingsInput = z.object({
  provider: z.string().trim().min(1).max(100),
  merchantId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/),
  endpoint: z
    .string()
    .trim()
    .max(500)
    .pipe(z.url({ protocol: /^https$/, hostname: z.regexes.domain }))
    // Credentials in the URL would be stored and shown unmasked.
    .refine((v) => !URL.canParse(v) || (!new URL(v).username && !new URL(v).password), 'invalid_format'),
  apiKey: newSecret,
  secret: newSecret,
});

export const revealInput = z.object({
  field: z.enum(['api_key', 'secret']),
  reason: z.string().trim().min(5).max(500),
});

function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new AppError('bad_request', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
  return parsed.data;
}

// A site id from the URL that is not a UUID is a missing page, like any other site.
function assertSiteId(siteId: string) {
  if (!uuidSchema.safeParse(siteId).success) throw new AppError('not_found');
}

const ofSite = (tenantId: string, siteId: string) =>
  and(eq(paymentSettings.tenantId, tenantId), eq(paymentSettings.siteId, siteId));

/** A site and its gateway settings (null when none are configured yet); secrets only masked. */
export async function getPaymentSettings(ctx: TenantAccess<'payment_settings.read'>, siteId: string) {
  const tenantId = ctx.granted.tenantId;
  assertSiteId(siteId);
  const [row] = await withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({
          siteName: sites.name,
          // NOT NULL columns only: drizzle makes the object null when the left join finds no row.
          settings: {
            provider: paymentSettings.provider,
            merchantId: paymentSettings.merchantId,
            endpoint: paymentSettings.endpoint,
            apiKeyLast4: paymentSettings.apiKeyLast4,
            secretLast4: paymentSettings.secretLast4,
            updatedAt: paymentSettings.updatedAt,
            updatedByLoginId: paymentSettings.updatedByLoginId,
          },
        })
        .from(sites)
        .leftJoin(paymentSettings, ofSite(tenantId, siteId))
        .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId))),
    { readOnly: true },
  );
  if (!row) throw new AppError('not_found');
  const s = row.settings;
  return {
    site: { id: siteId, name: row.siteName },
    settings: s && {
      provider: s.provider,
      merchantId: s.merchantId,
      endpoint: s.endpoint,
      apiKey: maskSecret(s.apiKeyLast4),
      secret: maskSecret(s.secretLast4),
      updatedAt: s.updatedAt,
      updatedByLoginId: s.updatedByLoginId,
    },
  };
}

const PLAIN_FIELDS = { provider: 'provider', merchantId: 'merchant_id', endpoint: 'endpoint' } as const;

/**
 * Saves a site's gateway settings (the first save configures it, and then needs both secrets).
 * Writes `payment_settings.updated` with the names of the changed fields, never their values.
 */
export async function updatePaymentSettings(
  ctx: SteppedUp<TenantAccess<'payment_settings.write'>>,
  siteId: string,
  raw: z.input<typeof paymentSettingsInput>,
) {
  const tenantId = ctx.granted.tenantId;
  assertSiteId(siteId);
  const input = parseInput(paymentSettingsInput, raw);
  const fields = await withTenantTx(tenantId, async (tx) => {
    const [before] = await tx
      .select({
        provider: paymentSettings.provider,
        merchantId: paymentSettings.merchantId,
        endpoint: paymentSettings.endpoint,
      })
      .from(paymentSettings)
      .where(ofSite(tenantId, siteId))
      .for('update');
    if (!before) {
      const [site] = await tx
        .select({ id: sites.id })
        .from(sites)
        .where(and(eq(sites.tenantId, tenantId), eq(sites.id, siteId)));
      if (!site) return null;
      if (!input.apiKey || !input.secret) {
        throw new AppError('bad_request', {
          ...(input.apiKey ? {} : { apiKey: ['required'] }),
          ...(input.secret ? {} : { secret: ['required'] }),
        });
      }
    }
    const apiKey = input.apiKey ? sealPaymentSecret(tenantId, siteId, 'api_key', input.apiKey) : null;
    const secret = input.secret ? sealPaymentSecret(tenantId, siteId, 'secret', input.secret) : null;
    const changed: string[] = [
      ...(Object.keys(PLAIN_FIELDS) as (keyof typeof PLAIN_FIELDS)[])
        .filter((k) => before?.[k] !== input[k])
        .map((k) => PLAIN_FIELDS[k]),
      ...(apiKey ? ['api_key'] : []),
      ...(secret ? ['secret'] : []),
    ];
    if (changed.length === 0) return changed;
    const values = {
      provider: input.provider,
      merchantId: input.merchantId,
      endpoint: input.endpoint,
      ...(apiKey && { apiKeyCiphertext: apiKey.ciphertext, apiKeyLast4: apiKey.last4 }),
      ...(secret && { secretCiphertext: secret.ciphertext, secretLast4: secret.last4 }),
      updatedAt: now(),
      updatedByLoginId: ctx.loginId,
    };
    if (before) {
      await tx.update(paymentSettings).set(values).where(ofSite(tenantId, siteId));
    } else {
      const inserted = await tx
        .insert(paymentSettings)
        .values({
          tenantId,
          siteId,
          ...values,
          apiKeyCiphertext: apiKey!.ciphertext,
          apiKeyLast4: apiKey!.last4,
          secretCiphertext: secret!.ciphertext,
          secretLast4: secret!.last4,
        })
        .onConflictDoNothing()
        .returning({ siteId: paymentSettings.siteId });
      // Someone else configured the site at the same moment: reload and decide again.
      if (inserted.length === 0) throw new AppError('conflict');
    }
    await recordAudit(tx, {
      tenantId,
      action: 'payment_settings.updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'site', id: siteId },
      details: { siteId, fields: changed },
    });
    return changed;
  });
  if (!fields) throw new AppError('not_found');
  return { fields };
}

/**
 * Decrypts one secret for display, after a fresh second factor and with a reason. The event and
 * the `secret_revealed` alert are written in the same transaction as the read. A ciphertext that
 * does not open here (copied from another row, or damaged) is audited as a failure and refused.
 */
export async function revealPaymentSecret(
  ctx: SteppedUp<TenantAccess<'payment_settings.reveal'>>,
  siteId: string,
  raw: z.input<typeof revealInput>,
) {
  const tenantId = ctx.granted.tenantId;
  assertSiteId(siteId);
  const { field, reason } = parseInput(revealInput, raw);
  const column = field === 'api_key' ? paymentSettings.apiKeyCiphertext : paymentSettings.secretCiphertext;
  const result = await withTenantTx(tenantId, async (tx) => {
    const [row] = await tx.select({ ciphertext: column }).from(paymentSettings).where(ofSite(tenantId, siteId));
    if (!row) return null;
    const event = {
      tenantId,
      action: 'payment_settings.revealed',
      ...byOperator(ctx),
      target: { type: 'site', id: siteId },
    };
    let value: string;
    try {
      value = openPaymentSecret(tenantId, siteId, field, row.ciphertext);
    } catch {
      await recordAudit(tx, {
        ...event,
        outcome: 'failure',
        details: { siteId, field, reason, error: 'undecryptable' },
      });
      return 'undecryptable' as const;
    }
    await recordAudit(tx, { ...event, outcome: 'success', details: { siteId, field, reason } });
    await raiseAlert(tx, {
      tenantId,
      rule: 'secret_revealed',
      operator: { operatorId: ctx.operatorId, loginId: ctx.loginId },
      details: { siteId, field, reason },
    });
    return { value, expiresInSeconds: REVEAL_SECONDS };
  });
  if (!result) throw new AppError('not_found');
  if (result === 'undecryptable') throw new AppError('conflict');
  return result;
}

/** The tenant's latest gateway-settings changes and reveals, for its dashboard. */
export async function getRecentPaymentSettingChanges(ctx: TenantAccess<'payment_settings.read'>, limit: number) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(
    tenantId,
    (tx) =>
      tx
        .select({
          seq: auditEvents.seq,
          occurredAt: auditEvents.occurredAt,
          actorLoginId: auditEvents.actorLoginId,
          action: auditEvents.action,
          outcome: auditEvents.outcome,
          siteId: sql<string | null>`${auditEvents.details}->>'siteId'`,
          fields: sql<string[] | null>`${auditEvents.details}->'fields'`,
          field: sql<string | null>`${auditEvents.details}->>'field'`,
        })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.tenantId, tenantId),
            inArray(auditEvents.action, ['payment_settings.updated', 'payment_settings.revealed']),
          ),
        )
        .orderBy(desc(auditEvents.occurredAt), desc(auditEvents.seq))
        .limit(Math.min(Math.max(Math.trunc(limit), 1), 50)),
    { readOnly: true },
  );
}
