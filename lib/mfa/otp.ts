import { generate, generateSecret, generateURI, verify, createGuardrails, type HashAlgorithm } from 'otplib';

/**
 * The project's OTP module over otplib: RFC 4226 HOTP and RFC 6238 TOTP. Operators get SHA-1,
 * 6 digits, 30 s (what authenticator apps support); the other parameters exist for the RFC
 * vectors. A code is accepted for the current step and one either side; replay protection is
 * the caller's (pass the last used step as afterTimeStep, then store the returned step).
 */
export const PERIOD = 30;
const lenient = createGuardrails({ MIN_SECRET_BYTES: 10 });

export const newTotpSecret = () => generateSecret({ length: 20 });

/** Where a TOTP seed belongs: its ciphertext opens for this tenant's operator only (associated data). */
export const totpSeedContext = (tenantId: string, operatorId: string) => `totp_credentials:${tenantId}:${operatorId}`;

export const totpUri = (secret: string, issuer: string, label: string) => generateURI({ issuer, label, secret });

export interface OtpParams {
  algorithm?: HashAlgorithm;
  digits?: 6 | 7 | 8;
}

export async function totpAt(
  secret: string | Uint8Array,
  epochSeconds: number,
  params: OtpParams = {},
): Promise<string> {
  return generate({ secret, epoch: epochSeconds, period: PERIOD, guardrails: lenient, ...params } as Parameters<
    typeof generate
  >[0]);
}

export async function hotp(secret: string | Uint8Array, counter: number, params: OtpParams = {}): Promise<string> {
  return generate({ secret, strategy: 'hotp', counter, guardrails: lenient, ...params } as Parameters<
    typeof generate
  >[0]);
}

/** The matched time step, or null. Malformed input is a plain "no" (otplib throws on it). */
export async function verifyTotp(
  secret: string,
  token: string,
  epochSeconds: number,
  afterTimeStep: number | null,
): Promise<number | null> {
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const result = await verify({
      secret,
      token,
      epoch: epochSeconds,
      period: PERIOD,
      epochTolerance: PERIOD,
      ...(afterTimeStep !== null ? { afterTimeStep } : {}),
    } as Parameters<typeof verify>[0]);
    return result.valid ? (result as { timeStep: number }).timeStep : null;
  } catch {
    return null;
  }
}

export const timeStepOf = (epochSeconds: number) => Math.floor(epochSeconds / PERIOD);
