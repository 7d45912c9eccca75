import 'server-only';
import { desc, eq } from 'drizzle-orm';
import { withPlatformTx } from '@/db';
import { auditCheckpoints, auditSigningKeys } from '@/db/schema';

/** Every key a chain's checkpoints were signed with, as one PEM text (the offline verifier takes several). */
export async function chainSigningKeys(chain: string): Promise<string | null> {
  const keys = await withPlatformTx(
    (tx) =>
      tx
        .selectDistinct({ pem: auditSigningKeys.publicKeyPem, fingerprint: auditSigningKeys.fingerprint })
        .from(auditSigningKeys)
        .innerJoin(auditCheckpoints, eq(auditCheckpoints.keyFingerprint, auditSigningKeys.fingerprint))
        .where(eq(auditCheckpoints.tenantId, chain))
        .orderBy(auditSigningKeys.fingerprint),
    { readOnly: true },
  );
  return keys.length > 0
    ? keys.map((k) => k.pem.trim()).join('\n') + '\n'
    : ((await publishedSigningKey())?.publicKeyPem ?? null);
}

/**
 * The public key a chain's checkpoints are signed with, as the signer registered it: the key of
 * the chain's last checkpoint, else the newest registered one. Null before any signer ran.
 */
export async function publishedSigningKey(
  chain?: string,
): Promise<{ fingerprint: string; publicKeyPem: string } | null> {
  return withPlatformTx(
    async (tx) => {
      const [last] = chain
        ? await tx
            .select({ fingerprint: auditCheckpoints.keyFingerprint })
            .from(auditCheckpoints)
            .where(eq(auditCheckpoints.tenantId, chain))
            .orderBy(desc(auditCheckpoints.seq))
            .limit(1)
        : [];
      const [key] = last
        ? await tx
            .select({ fingerprint: auditSigningKeys.fingerprint, publicKeyPem: auditSigningKeys.publicKeyPem })
            .from(auditSigningKeys)
            .where(eq(auditSigningKeys.fingerprint, last.fingerprint))
        : await tx
            .select({ fingerprint: auditSigningKeys.fingerprint, publicKeyPem: auditSigningKeys.publicKeyPem })
            .from(auditSigningKeys)
            .orderBy(desc(auditSigningKeys.registeredAt))
            .limit(1);
      return key ?? null;
    },
    { readOnly: true },
  );
}
