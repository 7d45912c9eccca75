import iconv from 'iconv-lite';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { parseCsv } from '@/lib/http/csv';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { exportAuditBundle } from './export-bundle';
import { exportAuditEvents } from './export-audit-events';
import { recordAudit } from './record-audit';
import { parseAuditFilter, viewerLocalInput } from './audit-filter';
import { searchAuditEvents } from './search-audit-events';
import { readTar } from './tar';
import { sha256Hex, verifyBundle } from './verify-bundle';

setupTestDatabase();
setupTestSigner();

async function collect(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const filter = (raw: Record<string, string>) => {
  const parsed = parseAuditFilter(raw, 'api');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.filter;
};

describe('audit export', () => {
  it('streams every filtered row as formula-safe CSV (UTF-8 and Shift_JIS) and audits the export with its hash', async () => {
    const tenantId = await createTenant(`exp${Date.now().toString(36)}`);
    // Seven values, so both halves of the rows get all of them. Control characters reach the CSV
    // as the visible escapes the audit core stores (a tab becomes the text \u0009).
    const nasty = ['=HYPERLINK("http://evil","x")', '+1', '-2+3', '@SUM(1)', '\tTAB', '佐藤, "翔"\n改行', 'plain'];
    for (let i = 0; i < 2100; i++) {
      await withTenantTx(tenantId, (tx) =>
        recordAudit(tx, {
          tenantId,
          action: i % 2 ? 'operator.updated' : 'operator.created',
          outcome: 'success',
          actor: { operatorId: null, loginId: nasty[i % nasty.length] },
          details: { i },
        }),
      );
    }
    const ctx = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const csv = await collect(
      await exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), filter({ action: 'operator.created' }), {
        format: 'csv',
        encoding: 'utf8',
      }),
    );
    const rows = parseCsv(csv.toString('utf8'));
    // One rectangular table: the filter and the zone of the local times lead every row.
    expect(rows[0].slice(0, 6)).toEqual([
      'filter',
      'time_zone',
      'seq',
      'occurred_at_utc',
      'occurred_at_local',
      'actor_login_id',
    ]);
    expect(rows).toHaveLength(1 + 1050);
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([16]));
    for (const r of rows.slice(1)) {
      expect(r.slice(0, 2)).toEqual(['action=operator.created', 'Asia/Tokyo']);
      expect(new Date(r[4]).getTime()).toBe(new Date(r[3]).getTime());
      expect(r[4]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$/);
      expect(r[5]).not.toMatch(/^[=+\-@\t\r]/);
    }
    expect(rows.slice(1).map((r) => r[5])).toContain('佐藤, "翔"\\u000a改行');
    expect(rows.slice(1).map((r) => r[5])).toContain('\'=HYPERLINK("http://evil","x")');
    const [exported] = await withPlatformTx((tx) =>
      tx
        .select({ details: auditEvents.details })
        .from(auditEvents)
        .where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'audit.exported'))),
    );
    expect(exported.details).toMatchObject({
      rows: 1050,
      bytes: csv.length,
      sha256: sha256Hex(csv),
      format: 'csv',
      filter: 'action=operator.created',
      timeZone: 'Asia/Tokyo',
    });

    const sjis = await collect(
      await exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), filter({ action: 'operator.created' }), {
        format: 'csv',
        encoding: 'sjis',
      }),
    );
    expect(parseCsv(iconv.decode(sjis, 'Shift_JIS'))).toEqual(rows);

    const jsonl = await collect(
      await exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), filter({ action: 'operator.updated' }), {
        format: 'jsonl',
        encoding: 'utf8',
      }),
    );
    const lines = jsonl
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1050);
    expect(Object.keys(lines[0]).slice(0, 3)).toEqual(['filter', 'timeZone', 'tenantId']);
    expect(lines[0]).toMatchObject({
      filter: 'action=operator.updated',
      timeZone: 'Asia/Tokyo',
      action: 'operator.updated',
    });
    expect(new Set(lines.map((l) => l.seq)).size).toBe(1050);
  }, 120_000);

  it('reads a console time in Japan time and an API time by its offset, and every export returns the same events for the same filter', async () => {
    const tenantId = await createTenant(`tz${Date.now().toString(36)}`);
    const write = (action: string, i: number) =>
      withTenantTx(tenantId, (tx) => recordAudit(tx, { tenantId, action, outcome: 'success', details: { i } }));
    await write('operator.created', 0);
    // The window starts on the whole second after the first event, so that event stays outside it.
    const [first] = await withPlatformTx((tx) =>
      tx.select({ at: auditEvents.occurredAt }).from(auditEvents).where(eq(auditEvents.tenantId, tenantId)),
    );
    const start = new Date(Math.floor(first.at.getTime() / 1000) * 1000 + 1000);
    while (Date.now() < start.getTime() + 5) await new Promise((r) => setTimeout(r, 20));
    for (let i = 1; i <= 6; i++) await write(i % 3 === 0 ? 'login.failed' : 'operator.updated', i);
    const wall = viewerLocalInput(start);
    expect(wall).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    // The console reads its wall-clock field in Japan time: the window holds the six later events.
    const consoleFilter = parseAuditFilter({ from: wall }, 'console');
    const apiFilter = parseAuditFilter({ from: start.toISOString().replace('.000Z', 'Z') }, 'api');
    expect(consoleFilter).toEqual(apiFilter);
    expect(parseAuditFilter({ from: wall }, 'api')).toEqual({ ok: false, fieldErrors: { from: ['offset_required'] } });
    // The old reading (a naive time taken as UTC) would start nine hours off and miss them all.
    const ctx = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const asUtc = filter({ from: `${wall}Z` });
    expect((await searchAuditEvents(tenantId, asUtc)).rows.filter((r) => r.action !== 'audit.exported')).toHaveLength(
      0,
    );

    const f = filter({ from: start.toISOString(), action: 'operator.*,login.failed' });
    const searched = (await searchAuditEvents(tenantId, f)).rows.map((r) => r.id).sort();
    expect(searched).toHaveLength(6);
    const csv = parseCsv(
      (
        await collect(
          await exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), f, { format: 'csv', encoding: 'utf8' }),
        )
      ).toString('utf8'),
    );
    const idColumn = csv[0].indexOf('seq');
    expect(
      csv
        .slice(1)
        .map((r) => r[idColumn])
        .sort(),
    ).toEqual((await searchAuditEvents(tenantId, f)).rows.map((r) => String(r.seq)).sort());
    const jsonl = (
      await collect(
        await exportAuditEvents(tenantAccess(ctx, tenantId, 'audit.read'), f, { format: 'jsonl', encoding: 'utf8' }),
      )
    )
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(jsonl.map((e) => e.id).sort()).toEqual(searched);

    // The bundle holds the same events in full, the rest of the chain as digests, and verifies.
    const { tar } = await exportAuditBundle(tenantAccess(ctx, tenantId, 'audit.read'), f);
    const files = readTar(tar);
    const text = (n: string) => files.get(n)!.toString('utf8');
    const lines = text('events.jsonl')
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; digest?: string });
    expect(
      lines
        .filter((l) => l.id)
        .map((l) => l.id)
        .sort(),
    ).toEqual(searched);
    expect(lines.filter((l) => l.digest).length).toBeGreaterThanOrEqual(3);
    const manifest = JSON.parse(text('manifest.json'));
    expect(manifest).toMatchObject({
      filter: `from=${encodeURIComponent(start.toISOString())}&action=${encodeURIComponent('operator.created,operator.updated,operator.disabled,operator.enabled,operator.role_changed,operator.unlocked,operator.password_reset,login.failed')}`,
      timeZone: 'Asia/Tokyo',
      matched: 6,
    });
    expect(verifyBundle(text('events.jsonl'), text('checkpoints.jsonl'), text('public-key.pem'))).toMatchObject({
      ok: true,
      withheld: lines.length - 6,
    });
    // A withheld event whose digest was changed breaks the chain at that event.
    const forged = lines
      .map((l, i) => (i === 0 ? { ...l, digest: 'ab'.repeat(32) } : l))
      .map((l) => JSON.stringify(l))
      .join('\n');
    expect(verifyBundle(forged, text('checkpoints.jsonl'), text('public-key.pem'))).toMatchObject({
      ok: false,
      damage: 'modified',
      seq: 1,
    });
  });
});
