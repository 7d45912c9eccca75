/**
 * `npm run keys:rotate`: re-encrypts every secret at rest (TOTP seeds, payment-gateway keys,
 * webhook secrets) under the first key of MAMORI_ENCRYPTION_KEY, each bound to its row. Put the new
 * key first and keep the old ones after it until this has run; it is resumable (batches of 100,
 * each committed) and audited as `keys.rotated`. Exit 1 when some secret could not be read.
 */
import { getDatabase } from '@/db';
import { rotateKeys } from '@/lib/keys/rotate-keys';

const database = await getDatabase();
try {
  const result = await rotateKeys('all', 'rotation');
  console.log(`current key: ${result.keyId}`);
  for (const [column, n] of Object.entries(result.reencrypted))
    console.log(
      `  ${column.padEnd(18)} ${n} re-encrypted, ${result.unreadable[column as keyof typeof result.unreadable]} unreadable`,
    );
  const unreadable = Object.values(result.unreadable).reduce((a, b) => a + b, 0);
  if (unreadable > 0)
    console.error(
      `${unreadable} secrets are under a key no longer in the ring: put that key back (after the first) and run again`,
    );
  process.exitCode = unreadable > 0 ? 1 : 0;
} finally {
  await database.close();
}
