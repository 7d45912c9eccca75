import 'server-only';
import { createHmac, randomBytes } from 'node:crypto';
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { alerts, tenants, webhookDeliveries } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { TenantAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { z } from '@/lib/http/zod-messages';
import { open, seal } from '@/lib/crypto/keyring';
import { OutboundRefused, assertReceiver, outboundUrlProblem, postToReceiver } from '@/lib/http/outbound';
import { AppError } from '@/lib/http/app-error';
import { logger } from '@/lib/observability/logger';

export const MAX_ATTEMPTS = 8;
const TIMEOUT_MS = 5000;
// While one worker posts a delivery, others leave it alone for this long.
const LEASE_MS = 60_000;

/** 30 s, 1 min, 2 min ... capped at 6 h: a receiver that is down for a while still gets it. */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** (attempts - 1), 6 * 3_600_000);

/**
 * https only, to a public address (see lib/http/outbound); plain http and this machine only for
 * receivers named in MAMORI_OUTBOUND_TEST_RECEIVERS outside production.
 */
export const webhookInput = z.object({
  url: z.union([
    z.literal(''),
    z
      .string()
      .trim()
      .max(500)
      .superRefine((v, ctx) => {
        const problem = outboundUrlProblem(v);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: problem === 'not_public' ? 'webhook_not_public' : 'invalid_webhook_url',
          });
      }),
  ]),
});

/** What a tenant sees of a failed delivery: a kind, never the connection's own error text. */
export type DeliveryError = 'http_status' | 'refused_address' | 'unresolvable' | 'unreachable' | 'no_secret';

/** Where a tenant's webhook signing secret belongs (associated data of its ciphertext). */
export const webhookSecretContext = (tenantId: string) => `alert_webhook:${tenantId}`;

/** Sets (or with an empty URL removes) the tenant's alert webhook; a new signing secret is returned once. */
export async function setAlertWebhook(
  ctx: SteppedUp<TenantAccess<'security.write'>>,
  input: z.infer<typeof webhookInput>,
) {
  const tenantId = ctx.granted.tenantId;
  // Where the name points now, checked before it is saved (and again at every delivery).
  if (input.url) {
    await assertReceiver(input.url).catch((e: unknown) => {
      if (e instanceof OutboundRefused)
        throw new AppError('bad_request', {
          url: [e.reason === 'unresolvable' ? 'webhook_unresolvable' : 'webhook_not_public'],
        });
      throw e;
    });
  }
  const secret = input.url ? `whsec_${randomBytes(24).toString('base64url')}` : null;
  await withTenantTx(tenantId, async (tx) => {
    await tx
      .update(tenants)
      .set({
        alertWebhookUrl: input.url || null,
        alertWebhookSecretCiphertext: secret
          ? seal('webhook-secret', secret, webhookSecretContext(tenantId)).ciphertext
          : null,
      })
      .where(eq(tenants.id, tenantId));
    await recordAudit(tx, {
      tenantId,
      action: 'alert_webhook.updated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'tenant', id: tenantId },
      details: { host: input.url ? new URL(input.url).host : null, removed: !input.url },
    });
  });
  return { secret };
}

/** Queues an alert for the tenant's webhook, if it has one, in the transaction that raised it. */
export async function queueWebhook(tx: Tx, tenantId: string, alertId: string) {
  await tx.execute(sql`
    insert into webhook_deliveries (tenant_id, alert_id, url, next_attempt_at)
    select id, ${alertId}, alert_webhook_url, ${now().toISOString()} from tenants where id = ${tenantId} and alert_webhook_url is not null`);
}

/** The webhook settings and the latest deliveries, failures included, for the security page. */
export async function getAlertWebhook(ctx: TenantAccess<'security.write'>) {
  const tenantId = ctx.granted.tenantId;
  return withTenantTx(
    tenantId,
    async (tx) => {
      const [t] = await tx.select({ url: tenants.alertWebhookUrl }).from(tenants).where(eq(tenants.id, tenantId));
      const deliveries = await tx
        .select({
          id: webhookDeliveries.id,
          rule: alerts.rule,
          status: webhookDeliveries.status,
          attempts: webhookDeliveries.attempts,
          lastStatus: webhookDeliveries.lastStatus,
          lastError: webhookDeliveries.lastError,
          nextAttemptAt: webhookDeliveries.nextAttemptAt,
          createdAt: webhookDeliveries.createdAt,
        })
        .from(webhookDeliveries)
        .innerJoin(
          alerts,
          and(eq(alerts.tenantId, webhookDeliveries.tenantId), eq(alerts.id, webhookDeliveries.alertId)),
        )
        .where(eq(webhookDeliveries.tenantId, tenantId))
        // As the index sorts (nulls last), so the newest 20 are read from it, not sorted.
        .orderBy(sql`${webhookDeliveries.createdAt} desc nulls last`)
        .limit(20);
      return { url: t?.url ?? null, deliveries };
    },
    { readOnly: true },
  );
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the receiver checks the time and the body together. */
export function signWebhook(secret: string, body: string | Buffer, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

/**
 * Posts due deliveries (all tenants; run by the server every few seconds). Each is leased first so
 * that several instances never post the same one at once; the HTTP call runs outside any transaction.
 */
export async function deliverWebhooks(limit = 20): Promise<number> {
  const at = now();
  const due = await withPlatformTx(async (tx) => {
    const rows = await tx
      .select({
        tenantId: webhookDeliveries.tenantId,
        id: webhookDeliveries.id,
        url: webhookDeliveries.url,
        attempts: webhookDeliveries.attempts,
        secret: tenants.alertWebhookSecretCiphertext,
        alert: {
          id: alerts.id,
          rule: alerts.rule,
          loginId: alerts.loginId,
          details: alerts.details,
          raisedAt: alerts.raisedAt,
        },
      })
      .from(webhookDeliveries)
      .innerJoin(alerts, and(eq(alerts.tenantId, webhookDeliveries.tenantId), eq(alerts.id, webhookDeliveries.alertId)))
      .innerJoin(tenants, eq(tenants.id, webhookDeliveries.tenantId))
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, at)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt))
      .limit(limit)
      .for('update', { of: webhookDeliveries, skipLocked: true });
    for (const r of rows) {
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: new Date(at.getTime() + LEASE_MS) })
        .where(and(eq(webhookDeliveries.tenantId, r.tenantId), eq(webhookDeliveries.id, r.id)));
    }
    return rows;
  });
  for (const d of due) {
    const body = JSON.stringify({
      id: d.alert.id,
      tenantId: d.tenantId,
      rule: d.alert.rule,
      loginId: d.alert.loginId,
      details: d.alert.details,
      raisedAt: d.alert.raisedAt.toISOString(),
    });
    let status: number | null = null;
    let error: DeliveryError | null = null;
    if (!d.secret) error = 'no_secret';
    else {
      try {
        const secret = open(
          'webhook-secret',
          d.secret,
          webhookSecretContext(d.tenantId),
          undefined,
          webhookSecretContext(d.tenantId),
        );
        const headers = {
          'content-type': 'application/json',
          'user-agent': 'Mamori-Webhook/1',
          'x-mamori-delivery': d.id,
          'x-mamori-signature': signWebhook(secret, body, now()),
        };
        status = (await postToReceiver(d.url, headers, body, TIMEOUT_MS)).status;
        if (status < 200 || status >= 300) error = 'http_status';
      } catch (e) {
        // The connection's own words (addresses, ports, TLS details) stay in the server's log.
        error =
          e instanceof OutboundRefused
            ? e.reason === 'unresolvable'
              ? 'unresolvable'
              : 'refused_address'
            : 'unreachable';
        logger().warn(
          { deliveryId: d.id, tenantId: d.tenantId, err: e instanceof Error ? e.message : String(e) },
          'webhook delivery failed',
        );
      }
    }
    const attempts = d.attempts + 1;
    const done = error === null;
    await withTenantTx(d.tenantId, (tx) =>
      tx
        .update(webhookDeliveries)
        .set({
          attempts,
          lastStatus: status,
          lastError: error,
          status: done ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
          deliveredAt: done ? now() : null,
          nextAttemptAt: new Date(now().getTime() + backoffMs(attempts)),
        })
        .where(and(eq(webhookDeliveries.tenantId, d.tenantId), eq(webhookDeliveries.id, d.id))),
    );
  }
  return due.length;
}
