import 'server-only';
import { sql } from 'drizzle-orm';
import { getDatabase, rowsOf, withPlatformTx } from '@/db';
import { logger } from '@/lib/observability/logger';

/**
 * How the web process asks the audit signer, which holds the key in a process of its own, for
 * fresh checkpoints: over IPC to the child it started (embedded PGlite, or PostgreSQL in
 * development), or by a NOTIFY the signer service listens for (PostgreSQL).
 */
export interface SignerLink {
  sign(chains?: string[]): Promise<void>;
}

// One per process, shared with Next's bundled copy of this module (as the database is).
const holder = globalThis as unknown as { __mamoriSignerLink?: SignerLink };

export function setSignerLink(link: SignerLink | undefined): void {
  holder.__mamoriSignerLink = link;
}

const NOTIFY_WAIT_MS = 5000;

/** A signer service elsewhere: NOTIFY it, then wait (briefly) for its checkpoints to be filed. */
const notifyLink: SignerLink = {
  async sign(chains) {
    const behind = () =>
      withPlatformTx(
        async (tx) =>
          rowsOf<{ n: number }>(
            await tx.execute(sql`select count(*)::int as n from audit_chains c
              where ${chains ? sql`c.tenant_id = any(${`{${chains.join(',')}}`}::uuid[]) and` : sql``}
                c.last_seq > coalesce((select max(seq) from audit_checkpoints k where k.tenant_id = c.tenant_id), 0)`),
          )[0].n,
        { readOnly: true },
      );
    await withPlatformTx((tx) =>
      tx.execute(sql`select pg_notify('mamori_audit_sign', ${JSON.stringify(chains ?? [])})`),
    );
    for (const started = Date.now(); Date.now() - started < NOTIFY_WAIT_MS;) {
      if ((await behind()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    logger().warn('the audit signer did not answer within 5 s: the newest events stay unsigned until its next round');
  },
};

/**
 * Asks for checkpoints of the chains that grew (of one, when given) and waits for them, as a
 * bundle does before it is made. Without a signer, nothing is signed and that is logged.
 */
export async function requestCheckpoints(chain?: string): Promise<void> {
  const link = holder.__mamoriSignerLink ?? ((await getDatabase()).kind === 'postgres' ? notifyLink : undefined);
  if (!link) {
    logger().warn('no audit signer is running: checkpoints are not signed');
    return;
  }
  await link.sign(chain ? [chain] : undefined);
}
