import iconv from 'iconv-lite';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx } from '@/db';
import { auditEvents } from '@/db/schema';
import { contextFor } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { parseCsv } from '@/lib/http/csv';
import { useTestDatabase } from '@/lib/testing/test-db';
import { exportAuditEvents } from './export-audit-events';
import { recordAudit } from './record-audit';
import { auditSearchQuery } from './search-audit-events';
import { sha256Hex } from './verify-bundle';

useTestDatabase();

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

describe('audit export', () => {
  it('streams every filtered row as formula-safe CSV (UTF-8 and Shift_JIS) and audits the export with its hash', async () => {
    const tenantId = await createTenant(`exp${Date.now().toString(36)}`);
    // Seven values, so both halves of the rows get all of them. Control characters reach the CSV
    // as the visible escapes the audit core stores (a tab becomes the text \u0009).
    const nasty = ['=HYPERLINK("http://evil","x")', '+1', '-2+3', '@SUM(1)', '\tTAB', '佐藤, "翔"\n改行', 'plain'];
    for (let i = 0; i < 2100; i++) {
      await withTenantTx(tenantId, (tx) =>
        recordAudit(tx, { tenantId, action: i % 2 ? 'test.even' : 'test.odd', outcome: 'success', actor: { operatorId: null, loginId: nasty[i % nasty.length] }, details: { i } }),
      );
    }
    const ctx = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin');
    const csv = await collect(exportAuditEvents(ctx, tenantId, auditSearchQuery.parse({ action: 'test.odd' }), { format: 'csv', encoding: 'utf8' }));
    const rows = parseCsv(csv.toString('utf8'));
    expect(rows[0][0]).toBe('seq');
    expect(rows).toHaveLength(1 + 1050);
    for (const r of rows.slice(1)) expect(r[2]).not.toMatch(/^[=+\-@\t\r]/);
    expect(rows.slice(1).map((r) => r[2])).toContain('佐藤, "翔"\\u000a改行');
    expect(rows.slice(1).map((r) => r[2])).toContain("'=HYPERLINK(\"http://evil\",\"x\")");
    const [exported] = await withPlatformTx((tx) =>
      tx.select({ details: auditEvents.details }).from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), eq(auditEvents.action, 'audit.exported'))),
    );
    expect(exported.details).toMatchObject({ rows: 1050, bytes: csv.length, sha256: sha256Hex(csv), format: 'csv' });

    const sjis = await collect(exportAuditEvents(ctx, tenantId, auditSearchQuery.parse({ action: 'test.odd' }), { format: 'csv', encoding: 'sjis' }));
    expect(parseCsv(iconv.decode(sjis, 'Shift_JIS'))).toEqual(rows);

    const jsonl = await collect(exportAuditEvents(ctx, tenantId, auditSearchQuery.parse({ action: 'test.even' }), { format: 'jsonl', encoding: 'utf8' }));
    const lines = jsonl.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1050);
    expect(new Set(lines.map((l) => l.seq)).size).toBe(1050);
  }, 120_000);
});
