import { z } from '@/lib/http/zod-messages';

/** Login IDs: letters (any script), digits and . _ @ -, compared case-folded after NFKC. */
export const loginIdSchema = z
  .string()
  .transform((v) => v.normalize('NFKC').trim())
  .pipe(
    z
      .string()
      .min(3)
      .max(64)
      .regex(/^[\p{L}\p{N}._@-]+$/u),
  );

export const displayNameSchema = z.string().trim().min(1).max(100);

export const optionalEmailSchema = z
  .string()
  .trim()
  .max(254)
  .refine((v) => v === '' || z.email().safeParse(v).success, 'invalid_email')
  .transform((v) => (v === '' ? null : v));

export const tenantCodeSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(
    z
      .string()
      .min(2)
      .max(32)
      .regex(/^[a-z0-9][a-z0-9-]*$/),
  );
