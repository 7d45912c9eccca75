import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeSha, seedIntrusion } from '@/lib/testing/seed-intrusion';
import { setupTestSigner } from '@/lib/testing/signer';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { exportAuditBundle } from './export-bundle';
import { tallyBlastRadius } from './tally-blast-radius';
import { readTar, writeTar } from './tar';
import { verifyBlastRadius, type BlastRadiusReport } from './verify-blast-radius';
import { sha256Hex, verifyBundle, type BundleLine, type ExportedEvent } from './verify-bundle';

setupTestDatabase();
setupTestSigner();

/** An intruder's session and the owner's own work in another, on two sites of one company. */
const incident = () => seedIntrusion('bb');

/** A bundle's files, its events held in full and its blast radius as written. */
function open(tar: Buffer) {
  const files = readTar(tar);
  const text = (n: string) => files.get(n)?.toString('utf8') ?? '';
  const lines = text('events.jsonl')
    .split('\n')
    .map((l) => JSON.parse(l) as BundleLine);
  return {
    files,
    text,
    lines,
    full: lines.filter((l): l is ExportedEvent => 'action' in l),
    manifest: JSON.parse(text('manifest.json')) as Record<string, unknown>,
    report: JSON.parse(text('blast-radius.json') || 'null') as BlastRadiusReport | null,
  };
}

// The report without its labels (what the events alone can say), in one order with the tally's.
const bySite = (a: { siteId: string | null }, b: { siteId: string | null }) =>
  (a.siteId ?? '') < (b.siteId ?? '') ? -1 : 1;
const figures = (r: BlastRadiusReport) => r.sites.map(({ tenantName: _t, siteName: _s, ...s }) => s).sort(bySite);

describe('the blast radius in a regulator bundle', () => {
  it('holds the SQL report, which the events recompute exactly, and names an edited figure', async () => {
    const { tenantId, siteA, siteB, intruder, reader } = await incident();
    const b = open((await exportAuditBundle(reader, { session: intruder.sessionId })).tar);
    expect(verifyBundle(b.text('events.jsonl'), b.text('checkpoints.jsonl'), b.text('public-key.pem'))).toMatchObject({
      ok: true,
      withheld: b.lines.length - 20,
    });
    expect(b.full).toHaveLength(20);
    const report = b.report!;
    expect(report.filters).toEqual([`session=${intruder.sessionId}`]);
    expect(report.throughSeq).toBe(b.lines.length);
    expect(b.manifest).toMatchObject({
      filter: `session=${intruder.sessionId}`,
      blastRadiusSha256: sha256Hex(b.text('blast-radius.json')),
    });
    expect(b.manifest.filters).toBeUndefined();
    expect(report.sites.map((s) => [s.siteId, s.siteName])).toEqual([
      [null, null],
      [siteA, 'a ストア'],
      [siteB, 'b ストア'],
    ]);
    expect(report.sites[1]).toMatchObject({
      tenantId,
      operators: [intruder.loginId],
      ordersExported: 150,
      exportsUnaccounted: 1,
      rowsSentBeforeAbort: 10,
      paymentSecretsRevealed: 1,
    });
    expect(report.sites[1].exportFiles.map((f) => [f.sha256, f.rows, f.customers])).toEqual([
      [fakeSha('a'), 100, 80],
      [fakeSha('b'), 50, 40],
    ]);
    expect(report.sites[2]).toMatchObject({ membersRevealed: 2, membersListed: 80, settingsChanged: 1 });
    // SQL and the offline count agree on every figure of every site.
    expect(tallyBlastRadius(b.full).sort(bySite)).toEqual(figures(report));
    expect(verifyBlastRadius(b.lines, report)).toEqual({ ok: true, events: 20, sites: 3 });

    const edited = structuredClone(report);
    edited.sites[1].ordersExported = 151;
    expect(verifyBlastRadius(b.lines, edited)).toEqual({
      ok: false,
      tenantId,
      siteId: siteA,
      siteName: 'a ストア',
      figure: 'ordersExported',
      report: 151,
      recomputed: 150,
    });
    const later = structuredClone(report);
    later.sites[2].lastAt = new Date(Date.parse(later.sites[2].lastAt) + 1).toISOString();
    expect(verifyBlastRadius(b.lines, later)).toMatchObject({ ok: false, siteId: siteB, figure: 'lastAt' });
  });

  it('counts an event that two filters match once, and states both filters', async () => {
    const { siteB, intruder, owner, reader } = await incident();
    const filters = [
      { session: intruder.sessionId },
      { action: ['members.listed' as const, 'member.revealed' as const] },
    ];
    const b = open((await exportAuditBundle(reader, filters)).tar);
    // 20 of the session, and the owner's two events the second filter adds.
    expect(b.full).toHaveLength(22);
    expect(new Set(b.full.map((e) => e.seq)).size).toBe(22);
    expect(b.manifest).toMatchObject({
      filters: [`session=${intruder.sessionId}`, 'action=members.listed%2Cmember.revealed'],
      matched: 22,
    });
    expect(b.manifest.filter).toBeUndefined();
    const report = b.report!;
    expect(report.filters).toEqual(b.manifest.filters);
    const site = report.sites.find((s) => s.siteId === siteB)!;
    // 50 + 30 from the session (matched by both filters, counted once) and the owner's 3.
    expect(site).toMatchObject({ membersListed: 83, membersRevealed: 3 });
    expect(site.operators).toEqual([owner.loginId]);
    expect(verifyBlastRadius(b.lines, report)).toEqual({ ok: true, events: 22, sites: 3 });
    expect(tallyBlastRadius(b.full).sort(bySite)).toEqual(figures(report));
  });

  it('is absent from a bundle made without a filter', async () => {
    const { reader } = await incident();
    const b = open((await exportAuditBundle(reader)).tar);
    expect(b.files.has('blast-radius.json')).toBe(false);
    expect(b.manifest.blastRadiusSha256).toBeUndefined();
  });

  it('the CLI recomputes the figures offline, and fails naming the site and figure edited', async () => {
    const { intruder, reader } = await incident();
    const { tar } = await exportAuditBundle(reader, { session: intruder.sessionId });
    const dir = mkdtempSync(path.join(tmpdir(), 'mamori-radius-'));
    const run = (name: string, content: Buffer) => {
      const file = path.join(dir, name);
      writeFileSync(file, content);
      try {
        return {
          code: 0,
          out: execFileSync(process.execPath, ['scripts/run.mjs', 'scripts/audit-verify.ts', file], {
            encoding: 'utf8',
            stdio: 'pipe',
            env: { ...process.env, DATABASE_URL: '' },
          }),
        };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { code: err.status, out: err.stderr };
      }
    };
    const ok = run('good.tar', tar);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('blast radius: recomputed from 20 events, every figure matches (3 sites)');
    const files = readTar(tar);
    const report = JSON.parse(files.get('blast-radius.json')!.toString()) as BlastRadiusReport;
    report.sites[1].ordersExported = 151;
    const bad = run(
      'edited.tar',
      writeTar(
        [...files].map(([name, content]) => ({
          name,
          content: name === 'blast-radius.json' ? JSON.stringify(report) : content,
        })),
      ),
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('blast-radius.json differs from the manifest hash');
    expect(bad.out).toContain('blast radius DIFFERS at site a ストア: ordersExported report 151, events 150');
  }, 60_000);
});
