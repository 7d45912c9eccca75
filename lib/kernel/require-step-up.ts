import { now } from '@/lib/clock';
import { env } from '@/lib/env';
import { AppError } from '@/lib/http/app-error';
import type { OperatorContext } from './operator-context';

/**
 * Sensitive actions need a second factor verified on this session in the last five minutes. The
 * server checks it here, whatever the UI did; an operator without TOTP must enroll first.
 */
export function requireStepUp(ctx: OperatorContext): void {
  if (!ctx.totpEnrolled) throw new AppError('mfa_enrollment_required');
  const windowMs = env().MAMORI_STEP_UP_SECONDS * 1000;
  if (!ctx.mfaVerifiedAt || now().getTime() - ctx.mfaVerifiedAt.getTime() > windowMs)
    throw new AppError('step_up_required');
}
