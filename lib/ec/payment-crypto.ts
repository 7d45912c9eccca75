import 'server-only';
import { open, seal } from '@/lib/crypto/keyring';

export type PaymentSecretField = 'api_key' | 'secret';

// Associated data: a ciphertext only decrypts for the tenant, site and field it was written for.
export const paymentSecretContext = (tenantId: string, siteId: string, field: PaymentSecretField) =>
  `payment_settings:${tenantId}:${siteId}:${field}`;

/** The stored form of a payment-gateway secret: ciphertext plus the last four characters for the masked view. */
export function sealPaymentSecret(tenantId: string, siteId: string, field: PaymentSecretField, value: string) {
  return {
    ciphertext: seal('payment-secret', value, paymentSecretContext(tenantId, siteId, field)).ciphertext,
    last4: value.slice(-4),
  };
}

export function openPaymentSecret(
  tenantId: string,
  siteId: string,
  field: PaymentSecretField,
  ciphertext: string,
): string {
  const where = paymentSecretContext(tenantId, siteId, field);
  return open('payment-secret', ciphertext, where, undefined, where);
}

/** What the console shows instead of a secret: never more than its last four characters. */
export const maskSecret = (last4: string) => `••••••••${last4}`;
