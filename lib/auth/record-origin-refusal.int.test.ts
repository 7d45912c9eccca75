import { and, desc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID, auditEvents } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { recordOriginRefusal } from './record-origin-refusal';

setupTestDatabase();
afterEach(() => resetClock());

const refusalsFrom = (ip: string) =>
  withPlatformTx((tx) =>
    tx
      .select({ outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.tenantId, PLATFORM_TENANT_ID),
          eq(auditEvents.action, 'access.denied_origin'),
          eq(auditEvents.ip, ip),
        ),
      )
      .orderBy(desc(auditEvents.seq)),
  );

describe('a write refused for want of same-origin proof', () => {
  it("is on record in the platform's chain, at most ten a minute per address, the next saying how many were left out", async () => {
    const ip = '198.51.100.77';
    const refusal = {
      reason: 'foreign_origin' as const,
      method: 'POST',
      path: '/t/x/operators',
      origin: 'https://evil.example',
      clientIp: ip,
    };
    for (let i = 0; i < 13; i++) await recordOriginRefusal(refusal);
    const first = await refusalsFrom(ip);
    expect(first).toHaveLength(10);
    expect(first[0]).toMatchObject({
      outcome: 'denied',
      details: { reason: 'foreign_origin', method: 'POST', path: '/t/x/operators', origin: 'https://evil.example' },
    });
    // Another address is counted on its own.
    await recordOriginRefusal({ ...refusal, clientIp: '198.51.100.78', reason: 'no_origin_proof', origin: null });
    expect(await refusalsFrom('198.51.100.78')).toHaveLength(1);
    advanceClock(61_000);
    await recordOriginRefusal(refusal);
    const after = await refusalsFrom(ip);
    expect(after).toHaveLength(11);
    expect(after[0].details).toMatchObject({ notRecordedBefore: 3 });
  });
});
