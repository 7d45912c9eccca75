import 'server-only';
import { sql } from 'drizzle-orm';
import { selectRows } from '@/db';

/** Chains with committed events the sequencer has not chained yet: the audit sequencing lag. */
export async function countWaitingChains(): Promise<number> {
  const [row] = await selectRows<{ n: number }>(sql`select count(*)::int as n from mamori_audit_waiting_tenants() t`);
  return row?.n ?? 0;
}
