import 'server-only';
import { sql } from 'drizzle-orm';
import { getDb, rowsOf } from '@/db';
import type { ChainSource } from './audit-signer';
import { chainSource } from './chain-source';

/**
 * The chains as this process serves them to its signer child (embedded PGlite, where the child
 * cannot open the database): every statement runs as the signer's own role, which reads the audit
 * tables and may call the doors that file checkpoints, keys and refusals; the app role may not.
 */
export const appChainSource = (): ChainSource =>
  chainSource(async (query) =>
    (await getDb()).transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('role', 'mamori_signer', true), set_config('app.scope', 'platform', true)`,
      );
      return rowsOf<Record<string, unknown>>(await tx.execute(query));
    }),
  );
