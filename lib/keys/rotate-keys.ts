import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { isCurrent, keyring, open, seal, type KeyPurpose } from '@/lib/crypto/keyring';
import { webhookSecretContext } from '@/lib/alerts/webhooks';
import { paymentSecretContext } from '@/lib/ec/payment-crypto';
import { totpSeedContext } from '@/lib/mfa/otp';
import { streamSecretContext } from '@/lib/streams/stream-secret-context';

const BATCH = 100;

/** One encrypted column: how to find its rows (keyset on the primary key) and where each belongs. */
interface SealedColumn {
  name: 'totp_seeds' | 'payment_api_keys' | 'payment_secrets' | 'webhook_secrets' | 'stream_secrets';
  purpose: KeyPurpose;
  /** Up to BATCH rows past `after` (a primary key as text) whose ciphertext is not current: pk, ciphertext, a, b. */
  select(notCurrent: string, after: string, pending: 'legacy' | 'all'): SQL;
  update(pk: string, before: string, after: string, keyId: string): SQL;
  context(row: Row): string;
  /** The first keyring's associated data for this column, where it had any. */
  legacyContext(row: Row): string | undefined;
}

interface Row {
  pk: string;
  ciphertext: string;
  a: string;
  b: string | null;
}

const notCurrentSql = (column: string, prefix: string, pending: 'legacy' | 'all') =>
  pending === 'legacy' ? sql.raw(`${column} like 'v1.%'`) : sql`${sql.raw(column)} not like ${`${prefix}%`}`;

const COLUMNS: SealedColumn[] = [
  {
    name: 'totp_seeds',
    purpose: 'totp-seed',
    select: (
      prefix,
      after,
      pending,
    ) => sql`select tenant_id::text || '/' || operator_id::text as pk, secret_ciphertext as ciphertext, tenant_id::text as a, operator_id::text as b
      from totp_credentials where ${notCurrentSql('secret_ciphertext', prefix, pending)} and tenant_id::text || '/' || operator_id::text > ${after} order by 1 limit ${BATCH}`,
    update: (
      pk,
      before,
      after,
      keyId,
    ) => sql`update totp_credentials set secret_ciphertext = ${after}, key_id = ${keyId}
      where tenant_id::text || '/' || operator_id::text = ${pk} and secret_ciphertext = ${before}`,
    context: (r) => totpSeedContext(r.a, r.b!),
    legacyContext: () => undefined,
  },
  ...(['api_key', 'secret'] as const).map((field): SealedColumn => ({
    name: field === 'api_key' ? 'payment_api_keys' : 'payment_secrets',
    purpose: 'payment-secret',
    select: (
      prefix,
      after,
      pending,
    ) => sql`select tenant_id::text || '/' || site_id::text as pk, ${sql.raw(`${field}_ciphertext`)} as ciphertext, tenant_id::text as a, site_id::text as b
        from payment_settings where ${notCurrentSql(`${field}_ciphertext`, prefix, pending)} and tenant_id::text || '/' || site_id::text > ${after} order by 1 limit ${BATCH}`,
    update: (pk, before, after) => sql`update payment_settings set ${sql.raw(`${field}_ciphertext`)} = ${after}
        where tenant_id::text || '/' || site_id::text = ${pk} and ${sql.raw(`${field}_ciphertext`)} = ${before}`,
    context: (r) => paymentSecretContext(r.a, r.b!, field),
    legacyContext: (r) => paymentSecretContext(r.a, r.b!, field),
  })),
  {
    name: 'webhook_secrets',
    purpose: 'webhook-secret',
    select: (
      prefix,
      after,
      pending,
    ) => sql`select id::text as pk, alert_webhook_secret_ciphertext as ciphertext, id::text as a, null as b
      from tenants where alert_webhook_secret_ciphertext is not null and ${notCurrentSql('alert_webhook_secret_ciphertext', prefix, pending)} and id::text > ${after} order by 1 limit ${BATCH}`,
    update: (pk, before, after) =>
      sql`update tenants set alert_webhook_secret_ciphertext = ${after} where id::text = ${pk} and alert_webhook_secret_ciphertext = ${before}`,
    context: (r) => webhookSecretContext(r.a),
    legacyContext: (r) => webhookSecretContext(r.a),
  },
  {
    name: 'stream_secrets',
    purpose: 'stream-secret',
    select: (
      prefix,
      after,
      pending,
    ) => sql`select tenant_id::text || '/' || id::text as pk, secret_ciphertext as ciphertext, tenant_id::text as a, id::text as b
      from audit_streams where secret_ciphertext is not null and ${notCurrentSql('secret_ciphertext', prefix, pending)} and tenant_id::text || '/' || id::text > ${after} order by 1 limit ${BATCH}`,
    update: (pk, before, after) =>
      sql`update audit_streams set secret_ciphertext = ${after} where tenant_id::text || '/' || id::text = ${pk} and secret_ciphertext = ${before}`,
    context: (r) => streamSecretContext(r.a, r.b!),
    // Streams came after the first keyring: none was sealed in its form.
    legacyContext: (r) => streamSecretContext(r.a, r.b!),
  },
];

export interface RotationResult {
  keyId: string;
  reencrypted: Record<SealedColumn['name'], number>;
  /** Rows whose key is no longer in the ring: left as they are, and named by count. */
  unreadable: Record<SealedColumn['name'], number>;
}

/**
 * Re-encrypts every secret at rest under the current key, each bound to its row: `all` rows not
 * in the current form (`npm run keys:rotate`, after a new key was put first in the ring), or
 * `legacy` ones only, in the first keyring's form (at every start, so an upgrade finishes on its
 * own). In batches of 100, each its own transaction, in primary-key order: stopped anywhere, a
 * second run carries on. Audited as `keys.rotated` in the platform's chain when anything changed.
 */
export async function rotateKeys(pending: 'legacy' | 'all', reason: string, ring = keyring()): Promise<RotationResult> {
  const prefix = `v2.${ring.current}.`;
  const result: RotationResult = {
    keyId: ring.current,
    reencrypted: { totp_seeds: 0, payment_api_keys: 0, payment_secrets: 0, webhook_secrets: 0, stream_secrets: 0 },
    unreadable: { totp_seeds: 0, payment_api_keys: 0, payment_secrets: 0, webhook_secrets: 0, stream_secrets: 0 },
  };
  for (const column of COLUMNS) {
    for (let after = ''; ;) {
      const done = await withPlatformTx(async (tx) => {
        const rows = rowsOf<Row>(await tx.execute(column.select(prefix, after, pending)));
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = open(column.purpose, row.ciphertext, column.context(row), ring, column.legacyContext(row));
          } catch {
            result.unreadable[column.name]++;
            continue;
          }
          const sealed = seal(column.purpose, plaintext, column.context(row), ring);
          if (!isCurrent(sealed.ciphertext, ring)) throw new Error('sealed under a key that is not current');
          await tx.execute(column.update(row.pk, row.ciphertext, sealed.ciphertext, sealed.keyId));
          result.reencrypted[column.name]++;
        }
        after = rows.at(-1)?.pk ?? after;
        return rows.length < BATCH;
      });
      if (done) break;
    }
  }
  const changed =
    Object.values(result.reencrypted).some((n) => n > 0) || Object.values(result.unreadable).some((n) => n > 0);
  if (changed) {
    await withPlatformTx((tx) =>
      recordAudit(tx, {
        tenantId: PLATFORM_TENANT_ID,
        action: 'keys.rotated',
        outcome: Object.values(result.unreadable).some((n) => n > 0) ? 'failure' : 'success',
        actor: { operatorId: null, loginId: 'system:keys' },
        details: {
          reason,
          keyId: result.keyId,
          pending,
          reencrypted: result.reencrypted,
          unreadable: result.unreadable,
        },
      }),
    );
  }
  return result;
}
