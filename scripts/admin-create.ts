/**
 * `npm run admin:create -- --login-id <id> --name <name> [--email <e-mail>]`: creates a platform
 * admin for a real deployment (MAMORI_DEMO=0). The password comes from MAMORI_ADMIN_PASSWORD or
 * is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { getDatabase, withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, operators } from '@/db/schema';
import { hashPassword } from '@/lib/passwords/hash-password';
import { insertOperator } from '@/lib/tenancy/insert-operator';
import { loginIdKey } from '@/lib/tenancy/normalize-login-id';

const input = z.object({
  loginId: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only')
    .refine(
      (v) => v.toLowerCase().startsWith('platform.') && v.length > 'platform.'.length,
      'platform staff IDs start with "platform."',
    ),
  name: z.string().trim().min(1).max(100),
  email: z.email().optional(),
  password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
});

const { values } = parseArgs({
  options: { 'login-id': { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
});
const parsed = input.safeParse({
  loginId: values['login-id'],
  name: values.name ?? values['login-id'],
  email: values.email,
  password: process.env.MAMORI_ADMIN_PASSWORD,
});
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`  ${issue.path.join('.') || 'input'}: ${issue.message}`);
  console.error('usage: npm run admin:create -- --login-id <id> --name <name> [--email <e-mail>]');
  process.exit(2);
}
const { loginId, name, email } = parsed.data;
const password = parsed.data.password ?? randomBytes(18).toString('base64url');

const database = await getDatabase();
try {
  const taken = await withPlatformTx((tx) =>
    tx
      .select({ id: operators.id })
      .from(operators)
      .where(eq(operators.loginIdKey, loginIdKey(loginId))),
  );
  if (taken.length > 0) {
    console.error(`login ID ${loginId} is already taken`);
    process.exit(1);
  }
  const passwordHash = await hashPassword(password);
  await withPlatformTx((tx) =>
    insertOperator(
      tx,
      PLATFORM_TENANT_ID,
      { loginId, displayName: name, email: email ?? null, role: 'platform_admin' },
      passwordHash,
      { operatorId: null, loginId: 'system:admin-create' },
      'cli',
    ),
  );
  console.log(`created platform admin ${loginId}`);
  if (!parsed.data.password) console.log(`password (shown once): ${password}`);
} finally {
  await database.close();
}
