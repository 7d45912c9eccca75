import 'server-only';
import { randomInt } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { withTenantTx, type Tx } from '@/db';
import { recoveryCodes, sessions, totpCredentials } from '@/db/schema';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorAccess, SteppedUp } from '@/lib/kernel/access';
import { now } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { keyedHash, open, seal } from '@/lib/crypto/keyring';
import { newTotpSecret, totpSeedContext, totpUri, verifyTotp } from './otp';
import { normalizeRecoveryCode } from './verify-second-factor';

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

/** Starts (or restarts) enrollment: a fresh secret, encrypted, pending until a code proves it. */
export async function startTotpEnrollment(ctx: OperatorAccess) {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const [existing] = await tx
      .select({ status: totpCredentials.status })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.tenantId, ctx.tenantId), eq(totpCredentials.operatorId, ctx.operatorId)));
    if (existing?.status === 'active') throw new AppError('conflict', { code: ['already_enrolled'] });
    const secret = newTotpSecret();
    const { ciphertext, keyId } = seal('totp-seed', secret, totpSeedContext(ctx.tenantId, ctx.operatorId));
    await tx
      .insert(totpCredentials)
      .values({
        tenantId: ctx.tenantId,
        operatorId: ctx.operatorId,
        secretCiphertext: ciphertext,
        keyId,
        status: 'pending',
      })
      .onConflictDoUpdate({
        target: [totpCredentials.tenantId, totpCredentials.operatorId],
        set: { secretCiphertext: ciphertext, keyId, lastUsedStep: null, createdAt: now() },
      });
    return enrollmentView(ctx, secret);
  });
}

/** What the enrollment page shows: QR code (rendered here, never by a third party) and the key in groups of four. */
export async function enrollmentView(ctx: OperatorAccess, secret: string) {
  const uri = totpUri(secret, `Mamori (${ctx.tenant.name})`, ctx.loginId);
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return { secretGroups: secret.match(/.{1,4}/g)!.join(' '), qrSvg };
}

/** The pending secret again (after a reload of the enrollment page). */
export async function pendingEnrollment(ctx: OperatorAccess) {
  const [row] = await withTenantTx(ctx.tenantId, (tx) =>
    tx
      .select({ secret: totpCredentials.secretCiphertext, status: totpCredentials.status })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.tenantId, ctx.tenantId), eq(totpCredentials.operatorId, ctx.operatorId))),
  );
  if (!row) return { status: 'none' as const };
  if (row.status === 'active') return { status: 'active' as const };
  return {
    status: 'pending' as const,
    ...(await enrollmentView(ctx, open('totp-seed', row.secret, totpSeedContext(ctx.tenantId, ctx.operatorId)))),
  };
}

async function replaceRecoveryCodes(tx: Tx, tenantId: string, operatorId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await tx
    .delete(recoveryCodes)
    .where(and(eq(recoveryCodes.tenantId, tenantId), eq(recoveryCodes.operatorId, operatorId)));
  await tx
    .insert(recoveryCodes)
    .values(
      codes.map((c) => ({ tenantId, operatorId, codeHash: keyedHash('recovery-code', normalizeRecoveryCode(c)) })),
    );
  return codes;
}

/** Completes enrollment with a correct code; returns the ten recovery codes, shown once. */
export async function confirmTotpEnrollment(ctx: OperatorAccess, code: string) {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const [cred] = await tx
      .select({ secret: totpCredentials.secretCiphertext, status: totpCredentials.status })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.tenantId, ctx.tenantId), eq(totpCredentials.operatorId, ctx.operatorId)))
      .for('update');
    if (!cred || cred.status !== 'pending') throw new AppError('conflict', { code: ['no_pending_enrollment'] });
    const at = now();
    const step = await verifyTotp(
      open('totp-seed', cred.secret, totpSeedContext(ctx.tenantId, ctx.operatorId)),
      code.replace(/\s/g, ''),
      Math.floor(at.getTime() / 1000),
      null,
    );
    if (step === null) throw new AppError('bad_request', { code: ['wrong_code'] });
    await tx
      .update(totpCredentials)
      .set({ status: 'active', enrolledAt: at, lastUsedStep: step })
      .where(and(eq(totpCredentials.tenantId, ctx.tenantId), eq(totpCredentials.operatorId, ctx.operatorId)));
    const codes = await replaceRecoveryCodes(tx, ctx.tenantId, ctx.operatorId);
    // The code just entered is a fresh second factor for this session.
    await tx
      .update(sessions)
      .set({ mfaVerifiedAt: at })
      .where(and(eq(sessions.tenantId, ctx.tenantId), eq(sessions.id, ctx.sessionId)));
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'mfa.enrolled',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { method: 'totp' },
    });
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'mfa.recovery_codes_generated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { count: codes.length },
    });
    return { recoveryCodes: codes };
  });
}

/** New recovery codes replace all old ones (the caller has passed a step-up). */
export async function regenerateRecoveryCodes(ctx: SteppedUp<OperatorAccess>) {
  return withTenantTx(ctx.tenantId, async (tx) => {
    const codes = await replaceRecoveryCodes(tx, ctx.tenantId, ctx.operatorId);
    await recordAudit(tx, {
      tenantId: ctx.tenantId,
      action: 'mfa.recovery_codes_generated',
      outcome: 'success',
      ...byOperator(ctx),
      target: { type: 'operator', id: ctx.operatorId },
      details: { count: codes.length },
    });
    return { recoveryCodes: codes };
  });
}
