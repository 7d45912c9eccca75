import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform, pipeline } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { getDatabase, withPlatformTx, withTenantTx } from '@/db';
import { alerts, auditEvents, orders, tenants } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { advanceClock, now, resetClock } from '@/lib/clock';
import { parseCsv } from '@/lib/http/csv';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createOperator, createSite, createTenant } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { decideOrderExport, previewOrderExport, requestOrderExport } from './request-order-export';
import { claimOrderExport, prepareOrderExportDownload, streamOrderExport } from './stream-order-export';
import { checkAccess } from '@/lib/auth/guard';

setupTestDatabase();
afterEach(() => resetClock());

const today = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
const ALL = [
  'order_no',
  'status',
  'ordered_at',
  'customer_name',
  'customer_email',
  'customer_phone',
  'customer_address',
  'customer_comment',
  'ship_address',
  'amount',
  'tracking_no',
] as const;

let n = 0;
async function shop(ordersCount = 40) {
  const code = `exp-${++n}-${Date.now()}`;
  const tenantId = await createTenant(code);
  const siteId = await createSite(tenantId, 'main', { members: 50, orders: ordersCount, customers: 30 });
  const adminId = await createOperator(tenantId, `${code}.admin`, 'a long enough password', 'tenant_admin');
  const secondId = await createOperator(tenantId, `${code}.second`, 'a long enough password', 'tenant_admin');
  return {
    tenantId,
    siteId,
    admin: contextFor(tenantId, adminId, 'tenant_admin', `${code}.admin`),
    second: contextFor(tenantId, secondId, 'tenant_admin', `${code}.second`),
    scope: { siteId, from: '2000-01-01', to: today(), columns: [...ALL] },
  };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const events = (tenantId: string, action: string) =>
  withPlatformTx((tx) =>
    tx
      .select({
        details: auditEvents.details,
        actor: auditEvents.actorLoginId,
        ip: auditEvents.ip,
        sessionId: auditEvents.sessionId,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, action)))
      .orderBy(auditEvents.seq),
  );

async function until(check: () => Promise<boolean>) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('timed out waiting');
}

const alertsOf = (tenantId: string) =>
  withPlatformTx((tx) =>
    tx.select({ rule: alerts.rule, details: alerts.details }).from(alerts).where(eq(alerts.tenantId, tenantId)),
  );

describe('order-history export', () => {
  it('shows what the file will contain before anything is produced', async () => {
    const s = await shop();
    const preview = await previewOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope);
    expect(preview).toMatchObject({
      rows: 40,
      customers: 30,
      pii: ['names', 'addresses', 'phones', 'emails', 'comments'],
    });
    expect(
      (
        await previewOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), {
          ...s.scope,
          columns: ['order_no', 'amount'],
        })
      ).pii,
    ).toEqual([]);
  });

  it('needs a fresh second factor to request, approve and download (declared in the access table)', async () => {
    const s = await shop();
    const stale = { ...s.admin, mfaVerifiedAt: new Date(Date.now() - 3_600_000) };
    const at = { tenantId: s.tenantId };
    const E = 'app/t/[tenantId]/sites/[siteId]/export/actions.ts' as const;
    await expect(checkAccess(stale, `${E} requestExportAction`, at)).rejects.toMatchObject({
      code: 'step_up_required',
    });
    await expect(
      checkAccess({ ...s.admin, totpEnrolled: false }, `${E} requestExportAction`, at),
    ).rejects.toMatchObject({ code: 'mfa_enrollment_required' });
    for (const entry of [`${E} decideExportAction`, `${E} startDownloadAction`] as const)
      await expect(checkAccess(stale, entry, at)).rejects.toMatchObject({ code: 'step_up_required' });
    await expect(
      checkAccess(stale, 'app/api/v1/tenants/[tenantId]/order-exports/[exportId]/download/route.ts GET', at),
    ).rejects.toMatchObject({ code: 'step_up_required' });
    // The fresh one gets the value the lib functions require.
    const access = await checkAccess(s.admin, `${E} requestExportAction`, at);
    const r = await requestOrderExport(access, s.scope, { encoding: 'utf8', reason: 'monthly shipping report' });
    expect(r.status).toBe('ready');
  });

  it('streams formula-safe RFC 4180 CSV once, and audits rows, customers, bytes and the file hash', async () => {
    const s = await shop();
    // Every dangerous cell start a database text can hold (NUL cannot be stored; lib/http/csv.test.ts
    // covers it), quotes, commas, line breaks and Japanese text.
    const nasty = [
      '=HYPERLINK("http://example.invalid/","x")',
      '+1',
      '-2+3',
      '@SUM(1)',
      '\tlead tab',
      '\rlead cr',
      'say "hi", then\r\nnew line',
      '日本語のコメント',
    ];
    await withTenantTx(s.tenantId, async (tx) => {
      const rows = await tx
        .select({ id: orders.id })
        .from(orders)
        .where(eq(orders.tenantId, s.tenantId))
        .orderBy(orders.orderedAt)
        .limit(nasty.length);
      for (const [i, r] of rows.entries())
        await tx
          .update(orders)
          .set({ customerComment: nasty[i] })
          .where(and(eq(orders.tenantId, s.tenantId), eq(orders.id, r.id)));
    });
    for (const encoding of ['utf8', 'sjis'] as const) {
      const r = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
        encoding,
        reason: 'carrier reconciliation',
      });
      expect(r.status).toBe('ready');
      const claimed = await claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), r.id);
      const file = await read(await streamOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), claimed));
      const text = encoding === 'sjis' ? iconv.decode(file, 'Shift_JIS') : file.toString('utf8');
      const table = parseCsv(text);
      expect(table[0]).toEqual([...ALL]);
      expect(table).toHaveLength(41);
      const comments = table.slice(1, 1 + nasty.length).map((row) => row[ALL.indexOf('customer_comment')]);
      expect(comments).toEqual(nasty.map((v) => (/^[=+\-@\t\r\0]/.test(v) ? `'${v}` : v)));
      // Downloadable once: a second claim (another tab, a replayed link) finds nothing.
      await expect(claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), r.id)).rejects.toMatchObject({
        code: 'not_found',
      });
      const exported = (await events(s.tenantId, 'orders.exported')).at(-1)!;
      expect(exported.details).toMatchObject({
        rows: 40,
        customers: 30,
        bytes: file.length,
        sha256: createHash('sha256').update(file).digest('hex'),
        reason: 'carrier reconciliation',
        encoding,
      });
      expect(exported.actor).toBe(s.admin.loginId);
      expect(exported.ip).toBe(s.admin.ip);
      expect(exported.sessionId).toBe(s.admin.sessionId);
    }
  });

  it('pages through batches without losing or repeating orders that share a time, and keeps a comment holding 0x1f', async () => {
    // More orders than one batch holds on either database, every one sharing its day with others.
    const many = (await getDatabase()).kind === 'postgres' ? 10_500 : 2_500;
    const s = await shop(many);
    await withPlatformTx(async (tx) => {
      await tx.execute(
        sql`update orders set ordered_at = date_trunc('day', ordered_at) where tenant_id = ${s.tenantId}`,
      );
      await tx.execute(
        sql`update orders set customer_comment = ${'a\x1fb, "c"'} where tenant_id = ${s.tenantId} and order_no like '%-000007'`,
      );
    });
    await withPlatformTx((tx) =>
      tx.update(tenants).set({ orderExportDailyQuota: 100_000 }).where(eq(tenants.id, s.tenantId)),
    );
    const r = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
      encoding: 'utf8',
      reason: 'full history for the auditors',
    });
    const table = parseCsv(
      (
        await read(
          await streamOrderExport(
            tenantAccess(s.admin, s.tenantId, 'orders.export'),
            await claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), r.id),
          ),
        )
      ).toString('utf8'),
    );
    const body = table.slice(1);
    expect(body).toHaveLength(many);
    expect(new Set(body.map((row) => row[0])).size).toBe(many);
    const times = body.map((row) => row[ALL.indexOf('ordered_at')]);
    expect(times).toEqual([...times].sort());
    expect(body.find((row) => row[0].endsWith('-000007'))![ALL.indexOf('customer_comment')]).toBe('a\x1fb, "c"');
    // Every cell as the database holds it (formula starts aside), whichever way its row was written.
    const stored = await withTenantTx(s.tenantId, (tx) =>
      tx
        .select({
          no: orders.orderNo,
          name: orders.customerName,
          address: orders.customerAddress,
          comment: orders.customerComment,
          amount: orders.amount,
          tracking: orders.trackingNo,
        })
        .from(orders)
        .where(eq(orders.tenantId, s.tenantId)),
    );
    const byNo = new Map(body.map((row) => [row[0], row]));
    const safe = (v: string | null) => (v === null ? '' : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    for (const o of stored) {
      const row = byNo.get(o.no)!;
      expect([
        row[ALL.indexOf('customer_name')],
        row[ALL.indexOf('customer_address')],
        row[ALL.indexOf('customer_comment')],
        row[ALL.indexOf('amount')],
        row[ALL.indexOf('tracking_no')],
      ]).toEqual([o.name, o.address, safe(o.comment), String(o.amount), o.tracking ?? '']);
    }
  });

  it('gives its database connection back when the download is abandoned half-way', async () => {
    const s = await shop(10_500);
    await withPlatformTx((tx) =>
      tx.update(tenants).set({ orderExportDailyQuota: 10_000_000 }).where(eq(tenants.id, s.tenantId)),
    );
    // More abandoned downloads than the pool has connections: a leak would leave the last query waiting forever.
    for (let i = 0; i < 12; i++) {
      const r = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
        encoding: 'utf8',
        reason: 'abandoned download test',
      });
      const reader = (
        await streamOrderExport(
          tenantAccess(s.admin, s.tenantId, 'orders.export'),
          await claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), r.id),
        )
      ).getReader();
      expect((await reader.read()).done).toBe(false);
      await reader.cancel();
    }
    const [{ n }] = await withTenantTx(s.tenantId, (tx) =>
      tx
        .select({ n: sql<number>`count(*)::int` })
        .from(orders)
        .where(eq(orders.tenantId, s.tenantId)),
    );
    expect(n).toBe(10_500);
    // Nothing was exported, so nothing claims it was; every claim and every stop is on record.
    expect((await events(s.tenantId, 'orders.exported')).map((e) => (e.details as { rows: number }).rows)).toEqual([]);
    expect(await events(s.tenantId, 'orders.export_started')).toHaveLength(12);
    const aborted = (await events(s.tenantId, 'orders.export_aborted')).map(
      (e) => e.details as { cause: string; rowsPlanned: number },
    );
    expect(aborted).toHaveLength(12);
    expect(aborted.every((d) => d.cause === 'client_closed' && d.rowsPlanned === 10_500)).toBe(true);
  }, 60_000);

  it('records what had left when the client goes away mid-download over real HTTP, and alerts when personal data left', async () => {
    const s = await shop(10_500);
    await withPlatformTx((tx) =>
      tx.update(tenants).set({ orderExportDailyQuota: 10_000_000 }).where(eq(tenants.id, s.tenantId)),
    );
    const r = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
      encoding: 'utf8',
      reason: 'cut at the first megabyte',
    });
    const server = http.createServer((_req, res) => {
      void (async () => {
        const stream = await streamOrderExport(
          tenantAccess(s.admin, s.tenantId, 'orders.export'),
          await claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), r.id),
        );
        res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
        // Each piece takes a moment to go out, as over a real network, so the client's close
        // arrives while rows are still being sent.
        const slowLine = new Transform({
          transform: (chunk, _encoding, done) => void setTimeout(() => done(null, chunk), 25),
        });
        pipeline(Readable.fromWeb(stream as never), slowLine, res, () => undefined);
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const received = await new Promise<number>((resolve, reject) => {
        let bytes = 0;
        const req = http.get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            // Enough for a few hundred customers' names and addresses: then the connection goes.
            if (bytes >= 64 * 1024) {
              req.destroy();
              resolve(bytes);
            }
          });
        });
        req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
      });
      await until(async () => (await events(s.tenantId, 'orders.export_aborted')).length > 0);
      const [started] = await events(s.tenantId, 'orders.export_started');
      expect(started.details).toMatchObject({ rows: 10_500, reason: 'cut at the first megabyte', columns: [...ALL] });
      const [aborted] = await events(s.tenantId, 'orders.export_aborted');
      const d = aborted.details as { cause: string; rowsSent: number; bytesSent: number; rowsPlanned: number };
      expect(d).toMatchObject({ cause: 'client_closed', rowsPlanned: 10_500 });
      expect(d.bytesSent).toBeGreaterThanOrEqual(received);
      expect(d.rowsSent).toBeGreaterThan(0);
      expect(d.rowsSent).toBeLessThan(10_500);
      expect(await events(s.tenantId, 'orders.exported')).toEqual([]);
      expect((await alertsOf(s.tenantId)).filter((a) => a.rule === 'export_aborted').map((a) => a.details)).toEqual([
        expect.objectContaining({ exportId: r.id, rowsSent: d.rowsSent, rowsPlanned: 10_500 }),
      ]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('holds an export above the daily quota for a second administrator, and audits both people', async () => {
    const s = await shop();
    await withPlatformTx((tx) =>
      tx.update(tenants).set({ orderExportDailyQuota: 50 }).where(eq(tenants.id, s.tenantId)),
    );
    const first = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
      encoding: 'utf8',
      reason: 'first batch for carrier',
    });
    expect(first.status).toBe('ready');
    const second = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
      encoding: 'utf8',
      reason: 'second batch for carrier',
    });
    expect(second.status).toBe('pending_approval');
    expect((await alertsOf(s.tenantId)).map((a) => a.rule)).toEqual(['export_over_quota']);
    await expect(claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), second.id)).rejects.toMatchObject(
      { code: 'not_found' },
    );
    // Four eyes: not the requester's own.
    await expect(
      decideOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), second.id, 'approve'),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await decideOrderExport(tenantAccess(s.second, s.tenantId, 'orders.export'), second.id, 'approve');
    await expect(
      decideOrderExport(tenantAccess(s.second, s.tenantId, 'orders.export'), second.id, 'approve'),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    const file = await read(
      await streamOrderExport(
        tenantAccess(s.admin, s.tenantId, 'orders.export'),
        await claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), second.id),
      ),
    );
    expect(parseCsv(file.toString('utf8'))).toHaveLength(41);
    expect((await events(s.tenantId, 'orders.export_approved'))[0]).toMatchObject({
      actor: s.second.loginId,
      details: { requestedBy: s.admin.loginId, rows: 40 },
    });
    const requested = await events(s.tenantId, 'orders.export_requested');
    expect(requested.map((e) => (e.details as { status: string }).status)).toEqual(['ready', 'pending_approval']);
    // A rejected one never downloads.
    const third = await requestOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), s.scope, {
      encoding: 'utf8',
      reason: 'third batch for carrier',
    });
    await decideOrderExport(tenantAccess(s.second, s.tenantId, 'orders.export'), third.id, 'reject');
    await expect(claimOrderExport(tenantAccess(s.admin, s.tenantId, 'orders.export'), third.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it("is a 404 for another tenant's operator, for every step", async () => {
    const a = await shop();
    const b = await shop();
    const r = await requestOrderExport(tenantAccess(a.admin, a.tenantId, 'orders.export'), a.scope, {
      encoding: 'utf8',
      reason: 'monthly shipping report',
    });
    const intruder = { ...b.admin };
    await expect(
      previewOrderExport(tenantAccess(intruder, b.tenantId, 'orders.export'), a.scope),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      requestOrderExport(tenantAccess(intruder, b.tenantId, 'orders.export'), a.scope, {
        encoding: 'utf8',
        reason: 'taking a look',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(claimOrderExport(tenantAccess(intruder, b.tenantId, 'orders.export'), r.id)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      prepareOrderExportDownload(tenantAccess(intruder, b.tenantId, 'orders.export'), r.id),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      decideOrderExport(tenantAccess(intruder, b.tenantId, 'orders.export'), r.id, 'approve'),
    ).rejects.toMatchObject({ code: 'not_found' });
    // Another admin of the same tenant cannot download someone else's export either.
    await expect(claimOrderExport(tenantAccess(a.second, a.tenantId, 'orders.export'), r.id)).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('raises an alert for an export within 24 hours of a login from an address never used before, and not otherwise', async () => {
    const s = await shop();
    const login = (ip: string) =>
      withTenantTx(s.tenantId, (tx) =>
        recordAudit(tx, {
          tenantId: s.tenantId,
          action: 'login.succeeded',
          outcome: 'success',
          actor: { operatorId: s.admin.operatorId, loginId: s.admin.loginId },
          ip,
          details: {},
        }),
      );
    const exportOnce = async () => {
      // The clock moves in this test; the step-up is as fresh as the moment.
      const ctx = { ...s.admin, mfaVerifiedAt: now() };
      const r = await requestOrderExport(tenantAccess(ctx, s.tenantId, 'orders.export'), s.scope, {
        encoding: 'utf8',
        reason: 'monthly shipping report',
      });
      await read(
        await streamOrderExport(
          tenantAccess(ctx, s.tenantId, 'orders.export'),
          await claimOrderExport(tenantAccess(ctx, s.tenantId, 'orders.export'), r.id),
        ),
      );
    };
    await login('198.51.100.7');
    advanceClock(48 * 3_600_000);
    // The new address's login is two days old and today's login came from a known address.
    await login('198.51.100.7');
    await exportOnce();
    expect(await alertsOf(s.tenantId)).toEqual([]);
    await login('203.0.113.99');
    await exportOnce();
    const raised = await alertsOf(s.tenantId);
    expect(raised.map((a) => a.rule)).toEqual(['export_after_new_ip']);
    expect(raised[0].details).toMatchObject({ newIp: '203.0.113.99' });
  });
});
