import 'server-only';
import { and, eq, inArray, isNull, or, lt, sql } from 'drizzle-orm';
import type { Tx } from '@/db';
import { operators, recoveryCodes, totpCredentials } from '@/db/schema';
import { now } from '@/lib/clock';
import { keyedHashes, open } from '@/lib/crypto/keyring';
import { totpSeedContext } from './otp';
import { verifyTotp } from './otp';
import { logger } from '@/lib/observability/logger';

/**
 * The operator's TOTP seed, or null when its ciphertext does not open here (moved from another
 * operator's row, or under a key no longer in the ring): then no code verifies.
 */
function openSeed(ciphertext: string, tenantId: string, operatorId: string): string | null {
  try {
    return open('totp-seed', ciphertext, totpSeedContext(tenantId, operatorId));
  } catch {
    logger().error(
      { tenantId, operatorId },
      'a TOTP seed does not open: moved from another row, or its key left the ring',
    );
    return null;
  }
}

export const normalizeRecoveryCode = (code: string) => code.normalize('NFKC').toLowerCase().replace(/[\s-]/g, '');

/**
 * Checks a TOTP code (each time step accepted at most once per operator, claimed atomically, so
 * of parallel attempts with one code exactly one wins) or an unused recovery code (used up here).
 */
export async function verifySecondFactor(
  tx: Tx,
  tenantId: string,
  operatorId: string,
  code: string,
): Promise<'totp' | 'recovery_code' | null> {
  const trimmed = code.normalize('NFKC').replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const [cred] = await tx
      .select({ secret: totpCredentials.secretCiphertext, last: totpCredentials.lastUsedStep })
      .from(totpCredentials)
      .where(
        and(
          eq(totpCredentials.tenantId, tenantId),
          eq(totpCredentials.operatorId, operatorId),
          eq(totpCredentials.status, 'active'),
        ),
      );
    if (!cred) return null;
    const seed = openSeed(cred.secret, tenantId, operatorId);
    if (seed === null) return null;
    const step = await verifyTotp(seed, trimmed, Math.floor(now().getTime() / 1000), cred.last);
    if (step === null) return null;
    const claimed = await tx
      .update(totpCredentials)
      .set({ lastUsedStep: step })
      .where(
        and(
          eq(totpCredentials.tenantId, tenantId),
          eq(totpCredentials.operatorId, operatorId),
          or(isNull(totpCredentials.lastUsedStep), lt(totpCredentials.lastUsedStep, step)),
        ),
      )
      .returning({ step: totpCredentials.lastUsedStep });
    return claimed.length === 1 ? 'totp' : null;
  }
  const normalized = normalizeRecoveryCode(trimmed);
  if (!/^[a-z0-9]{10}$/.test(normalized)) return null;
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: now() })
    .where(
      and(
        eq(recoveryCodes.tenantId, tenantId),
        eq(recoveryCodes.operatorId, operatorId),
        inArray(recoveryCodes.codeHash, keyedHashes('recovery-code', normalized)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  if (used.length === 0) return null;
  // A recovery-code login is worth an admin's look: the operator may have lost the device.
  await tx
    .update(operators)
    .set({ mfaAlertAt: sql`now()` })
    .where(and(eq(operators.tenantId, tenantId), eq(operators.id, operatorId)));
  return 'recovery_code';
}
