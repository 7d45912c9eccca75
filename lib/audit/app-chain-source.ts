import 'server-only';
import { rowsOf, withPlatformTx } from '@/db';
import type { ChainSource } from './audit-signer';
import { chainSource } from './chain-source';

/**
 * The chains as the app serves them to a signer child (embedded PGlite): read as the app's role
 * across tenants, checkpoints and refusals filed through the database's doors.
 */
export const appChainSource = (): ChainSource => chainSource((query) => withPlatformTx(async (tx) => rowsOf<Record<string, unknown>>(await tx.execute(query))));
