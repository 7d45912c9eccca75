import { and, eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { auditStreams, tenants } from '@/db/schema';
import { advanceClock, resetClock } from '@/lib/clock';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { requestCheckpoints } from './request-checkpoints';
import { pruneAuditEvents } from './prune-audit-events';
import { recordAudit } from './record-audit';
import { verifyLiveChain } from './verify-live-chain';

setupTestDatabase();
setupTestSigner();
afterEach(() => resetClock());

const append = (tenantId: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, () =>
      withTenantTx(tenantId, (tx) => recordAudit(tx, { tenantId, action: 'operator.updated', outcome: 'success' })),
    ),
  );

describe('audit retention', () => {
  it('prunes only up to a signed checkpoint past the retention period; the rest still verifies', async () => {
    const tenantId = await createTenant(`ret${Date.now().toString(36)}`);
    await withPlatformTx((tx) => tx.update(tenants).set({ auditRetentionDays: 365 }).where(eq(tenants.id, tenantId)));
    await append(tenantId, 5);
    await requestCheckpoints(tenantId);
    await append(tenantId, 2); // old, but after the checkpoint: kept
    advanceClock(400 * 86_400_000);
    await append(tenantId, 3);
    await requestCheckpoints(tenantId);
    expect(await pruneAuditEvents(tenantId)).toBe(5);
    const verdict = await verifyLiveChain(
      tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'audit.read'),
    );
    expect(verdict).toMatchObject({ ok: true, events: 6 }); // 2 + 3 + audit.pruned
    expect(await pruneAuditEvents(tenantId)).toBe(0);
  });

  it('keeps every event an audit stream has not delivered yet, however old', async () => {
    const tenantId = await createTenant(`ret3${Date.now().toString(36)}`);
    await withPlatformTx((tx) => tx.update(tenants).set({ auditRetentionDays: 365 }).where(eq(tenants.id, tenantId)));
    await append(tenantId, 5);
    await requestCheckpoints(tenantId);
    const streamId = crypto.randomUUID();
    // A stream paused after delivering the first two events.
    await withPlatformTx((tx) =>
      tx.insert(auditStreams).values({
        tenantId,
        id: streamId,
        name: 'paused',
        kind: 'https_json',
        format: 'mamori',
        url: 'https://siem.example.jp/in',
        status: 'paused',
        cursorSeq: 2,
        cursorHash: 'x',
        createdByLoginId: 'x',
      }),
    );
    advanceClock(400 * 86_400_000);
    await append(tenantId, 1);
    await requestCheckpoints(tenantId);
    expect(await pruneAuditEvents(tenantId)).toBe(0);
    // Delivered past the old checkpoint: now those events may go.
    await withPlatformTx((tx) =>
      tx
        .update(auditStreams)
        .set({ cursorSeq: 6 })
        .where(and(eq(auditStreams.tenantId, tenantId), eq(auditStreams.id, streamId))),
    );
    expect(await pruneAuditEvents(tenantId)).toBe(5);
  });

  it('refuses retention below one year, and the app role can neither choose the cut-off nor delete', async () => {
    const tenantId = await createTenant(`ret2${Date.now().toString(36)}`);
    await append(tenantId, 3);
    await requestCheckpoints(tenantId);
    await expect(
      withPlatformTx((tx) => tx.update(tenants).set({ auditRetentionDays: 30 }).where(eq(tenants.id, tenantId))),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23514' }) });
    // The door takes no cut-off: the tenant's retention (here the default five years) decides.
    await expect(
      withTenantTx(tenantId, (tx) => tx.execute(sql`select mamori_prune_audit(${tenantId}::uuid, now())`)),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: '42883' }) });
    expect(await pruneAuditEvents(tenantId)).toBe(0);
    await expect(
      withTenantTx(tenantId, async (tx) => {
        await tx.execute(sql`select set_config('mamori.audit_prune', 'on', true)`);
        await tx.execute(sql`delete from audit_events where tenant_id = ${tenantId}`);
      }),
    ).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringMatching(/permission denied/) }),
    });
    expect(
      await verifyLiveChain(
        tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'audit.read'),
      ),
    ).toMatchObject({
      ok: true,
      events: 3,
    });
  });
});
