import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withPlatformTx, withTenantTx, type Tx } from '@/db';
import { alerts, auditEvents, auditStreams } from '@/db/schema';
import { exportAuditBundle } from '@/lib/audit/export-bundle';
import { recordAudit } from '@/lib/audit/record-audit';
import { readTar } from '@/lib/audit/tar';
import { verifyStreamCopy } from '@/lib/audit/verify-stream-copy';
import { advanceClock, resetClock } from '@/lib/clock';
import { AppError } from '@/lib/http/app-error';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { setupTestSigner } from '@/lib/testing/signer';
import { makeTestCa } from '@/lib/testing/test-ca';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { requestCheckpoints } from '@/lib/audit/request-checkpoints';
import { createStream } from './create-stream';
import { deliverStreams, FAILING_ALERT_MS } from './deliver-streams';
import { listStreams } from './list-streams';
import { removeStream } from './remove-stream';
import { sendTestEvent } from './send-test-event';
import { setStreamStatus } from './set-stream-status';
import { createStreamInput } from './stream-input';

const db = setupTestDatabase();
setupTestSigner();
afterEach(() => resetClock());

// Receivers on this machine, over TLS with the test's own CA: HTTPS JSON and Splunk HEC on one
// server (by path), syslog over TLS on another.
let https: HttpsServer;
let syslog: TlsServer;
let web = '';
let syslogUrl = '';
let down = false;
const received = new Map<string, string[]>();
const signatures: { body: string; signature: string }[] = [];
const keep = (path: string, lines: string[]) => received.set(path, [...(received.get(path) ?? []), ...lines]);

beforeAll(async () => {
  const ca = makeTestCa();
  process.env.MAMORI_OUTBOUND_CA_FILE = ca.caFile;
  https = createHttpsServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (down) return void res.writeHead(503).end();
      const path = req.url ?? '/';
      if (path.startsWith('/services/collector')) {
        if (req.headers.authorization !== 'Splunk hec-token-1') return void res.writeHead(403).end('{"code":4}');
        keep(path, body.split('\n').filter(Boolean));
        return void res.writeHead(200).end('{"text":"Success","code":0}');
      }
      signatures.push({ body, signature: String(req.headers['x-mamori-signature']) });
      keep(path, body.split('\n').filter(Boolean));
      res.writeHead(204).end();
    });
  });
  syslog = createTlsServer({ key: ca.key, cert: ca.cert }, (socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (buffer += c));
    socket.on('end', () => {
      // RFC 5425 octet counting: "<length> <message>" one after another (ASCII-safe lengths
      // here would be wrong for Japanese text, so count bytes).
      const bytes = Buffer.from(buffer, 'utf8');
      const lines: string[] = [];
      for (let i = 0; i < bytes.length;) {
        const space = bytes.indexOf(0x20, i);
        const length = Number(bytes.subarray(i, space).toString());
        lines.push(bytes.subarray(space + 1, space + 1 + length).toString('utf8'));
        i = space + 1 + length;
      }
      keep('syslog', lines);
      socket.end();
    });
  });
  await Promise.all([
    new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve)),
    new Promise<void>((resolve) => syslog.listen(0, '127.0.0.1', resolve)),
  ]);
  const [hp, sp] = [(https.address() as AddressInfo).port, (syslog.address() as AddressInfo).port];
  web = `https://localhost:${hp}`;
  syslogUrl = `tls://localhost:${sp}`;
  process.env.MAMORI_OUTBOUND_TEST_RECEIVERS = `localhost:${hp},localhost:${sp}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => https.close(() => resolve()));
  await new Promise<void>((resolve) => syslog.close(() => resolve()));
});

let n = 0;
async function company() {
  const tenantId = await createTenant(`st${++n}x${Date.now().toString(36)}`);
  const admin = contextFor(tenantId, crypto.randomUUID(), 'tenant_admin', `st${n}.admin`);
  return {
    tenantId,
    admin: tenantAccess(admin, tenantId, 'security.write'),
    reader: tenantAccess(admin, tenantId, 'audit.read'),
  };
}

const append = async (tenantId: string, count: number, label = 'x') => {
  for (let i = 0; i < count; i++)
    await withTenantTx(tenantId, (tx) =>
      recordAudit(tx, { tenantId, action: 'operator.updated', outcome: 'success', details: { i, label, 名前: '森' } }),
    );
};

const add = (access: Awaited<ReturnType<typeof company>>['admin'], input: Record<string, string>) =>
  createStream(access, createStreamInput.parse(input));

/** Delivers until nothing is left (each round is one lease per stream). */
async function drain() {
  let total = 0;
  for (let i = 0; i < 20; i++) {
    const sent = await deliverStreams();
    total += sent;
    if (sent === 0) break;
  }
  return total;
}

const copy = (path: string) => (received.get(path) ?? []).join('\n');
const seqs = (path: string) =>
  (received.get(path) ?? [])
    .map((l) => JSON.parse(l.slice(l.indexOf('{'))))
    .map((l) => l.event?.unmapped?.mamori ?? l.unmapped?.mamori ?? l.event ?? l)
    .filter((l) => l.type === 'mamori.audit_event')
    .map((l) => l.seq as number);

async function signerKey(c: Awaited<ReturnType<typeof company>>) {
  const { tar } = await exportAuditBundle(c.reader);
  const bundle = readTar(tar);
  return {
    tar,
    pem: bundle.get('public-key.pem')!.toString('utf8'),
    events: bundle.get('events.jsonl')!.toString('utf8'),
  };
}

/** `npm run audit:verify` as a receiver runs it, offline: exit code, and what it printed. */
function verifyCli(args: string[]) {
  try {
    const out = execFileSync(process.execPath, ['scripts/run.mjs', 'scripts/audit-verify.ts', ...args], {
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, DATABASE_URL: '' },
    });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: `${err.stdout}${err.stderr}` };
  }
}

describe('audit streams', () => {
  it('refuses a bad destination, a fourth stream and a taken name, each by name, changing nothing', async () => {
    const c = await company();
    const problem = (input: Record<string, string>) => {
      const r = createStreamInput.safeParse({ name: 'x', kind: 'https_json', format: 'mamori', ...input });
      return r.success ? null : r.error.issues.map((i) => `${i.path.join('.')}:${i.message}`);
    };
    expect(problem({ url: 'http://siem.example.jp/in' })).toEqual(['url:invalid_webhook_url']);
    expect(problem({ url: 'https://10.0.0.7/in' })).toEqual(['url:webhook_not_public']);
    expect(problem({ url: 'https://169.254.169.254/latest' })).toEqual(['url:webhook_not_public']);
    expect(problem({ kind: 'syslog_tls', url: 'https://siem.example.jp' })).toEqual(['url:invalid_syslog_url']);
    expect(problem({ kind: 'syslog_tls', url: 'tcp://siem.example.jp:514' })).toEqual(['url:invalid_syslog_url']);
    expect(problem({ kind: 'syslog_tls', url: 'tls://10.0.0.7:6514' })).toEqual(['url:webhook_not_public']);
    expect(problem({ kind: 'splunk_hec', url: 'https://siem.example.jp/services/collector/event' })).toEqual([
      'token:required',
    ]);
    expect(problem({ kind: 'syslog_tls', url: 'tls://siem.example.jp:6514' })).toBeNull();

    await add(c.admin, { name: 'one', kind: 'https_json', format: 'mamori', url: `${web}/a` });
    await expect(add(c.admin, { name: 'one', kind: 'https_json', format: 'ocsf', url: `${web}/b` })).rejects.toEqual(
      new AppError('conflict', { name: ['taken'] }),
    );
    await add(c.admin, { name: 'two', kind: 'https_json', format: 'mamori', url: `${web}/b` });
    await add(c.admin, { name: 'three', kind: 'syslog_tls', format: 'mamori', url: syslogUrl });
    await expect(add(c.admin, { name: 'four', kind: 'https_json', format: 'mamori', url: `${web}/c` })).rejects.toEqual(
      new AppError('conflict', { name: ['too_many_streams:3'] }),
    );
    const streams = await listStreams(c.admin);
    expect(streams.map((s) => s.name)).toEqual(['one', 'two', 'three']);
    // Removed again: the receivers here are shared with the tests below.
    for (const s of streams) await removeStream(c.admin, s.id);
  });

  it('delivers the chain in order to HTTPS JSON, Splunk HEC and syslog over TLS, each copy verifiable with its checkpoints', async () => {
    const c = await company();
    await append(c.tenantId, 3);
    // From now on: the three events before the stream was added are not sent.
    const { secret } = await add(c.admin, { name: 'json', kind: 'https_json', format: 'mamori', url: `${web}/json` });
    await add(c.admin, {
      name: 'hec',
      kind: 'splunk_hec',
      format: 'ocsf',
      url: `${web}/services/collector/event`,
      token: 'hec-token-1',
    });
    await add(c.admin, { name: 'syslog', kind: 'syslog_tls', format: 'mamori', url: syslogUrl });
    await append(c.tenantId, 5);
    await requestCheckpoints(c.tenantId);
    await append(c.tenantId, 2);
    await drain();
    // Caught up (the bundle exported below is itself an event, after this).
    const state = await listStreams(c.admin);
    expect(state.map((s) => [s.name, s.lagEvents, s.lastError])).toEqual([
      ['json', 0, null],
      ['hec', 0, null],
      ['syslog', 0, null],
    ]);
    const { pem } = await signerKey(c);
    // Each stream starts with its own creation (seq 4, 5, 6: the three events before are not
    // sent) and goes on through the head.
    for (const [path, from] of [
      ['/json', 4],
      ['/services/collector/event', 5],
      ['syslog', 6],
    ] as const) {
      const got = seqs(path);
      expect(got[0], path).toBe(from);
      expect(got, path).toEqual(Array.from({ length: got.length }, (_, i) => from + i));
      const verdict = verifyStreamCopy(copy(path), pem);
      expect(verdict, path).toMatchObject({ ok: true, chains: [{ tenantId: c.tenantId, duplicates: 0 }] });
      expect(verdict.ok && verdict.chains[0].signedThrough, path).toBeGreaterThan(from);
    }
    // HTTPS JSON is signed like the webhooks: HMAC-SHA256 of "t.body" with the stream's secret.
    const { body, signature } = signatures.at(-1)!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature)!;
    expect(createHmac('sha256', secret!).update(`${t}.${body}`).digest('hex')).toBe(v1);
  });

  it('keeps the cursor through an outage and catches up without a gap, alerting once after 15 minutes', async () => {
    const c = await company();
    await add(c.admin, { name: 'main', kind: 'https_json', format: 'mamori', url: `${web}/outage` });
    await append(c.tenantId, 4, 'before');
    await drain();
    const before = seqs('/outage');
    down = true;
    try {
      await append(c.tenantId, 3, 'during');
      await deliverStreams();
      let [s] = await listStreams(c.admin);
      expect(s).toMatchObject({ lastError: 'http_status', lastErrorDetail: null, deliveredSeq: before.at(-1) });
      expect(s.lagEvents).toBe(3);
      // Retries back off; past 15 minutes failing, one alert.
      for (let i = 0; i < 3; i++) {
        advanceClock(FAILING_ALERT_MS / 2);
        await deliverStreams();
      }
      const raised = await withPlatformTx((tx) =>
        tx
          .select({ details: alerts.details })
          .from(alerts)
          .where(and(eq(alerts.tenantId, c.tenantId), eq(alerts.rule, 'audit_stream_failing'))),
      );
      expect(raised).toHaveLength(1);
      expect(raised[0].details).toMatchObject({ stream: 'main', error: 'http_status' });
      [s] = await listStreams(c.admin);
      expect(s.failingSince).not.toBeNull();
    } finally {
      down = false;
    }
    advanceClock(FAILING_ALERT_MS);
    await drain();
    const after = seqs('/outage');
    expect(after).toEqual(Array.from({ length: after.length }, (_, i) => after[0] + i));
    const { pem } = await signerKey(c);
    expect(verifyStreamCopy(copy('/outage'), pem)).toMatchObject({ ok: true });
    const [s] = await listStreams(c.admin);
    expect(s).toMatchObject({ lastError: null, failingSince: null });
  });

  it('delivers each event once when two instances deliver at the same time', async () => {
    const c = await company();
    await add(c.admin, { name: 'race', kind: 'https_json', format: 'mamori', url: `${web}/race` });
    await append(c.tenantId, 30);
    await Promise.all([deliverStreams(), deliverStreams(), deliverStreams()]);
    await drain();
    const got = seqs('/race');
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0] + i));
  });

  it('backfills from a chosen day, pauses and resumes from the cursor', async () => {
    const c = await company();
    await append(c.tenantId, 3, 'old');
    const day = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    await add(c.admin, { name: 'back', kind: 'https_json', format: 'ocsf', url: `${web}/back`, backfillFrom: day });
    await drain();
    expect(seqs('/back')[0]).toBe(1);
    const [{ id }] = await listStreams(c.admin);
    await setStreamStatus(c.admin, id, 'paused');
    const sent = seqs('/back').length;
    await append(c.tenantId, 2);
    await drain();
    expect(seqs('/back')).toHaveLength(sent);
    await setStreamStatus(c.admin, id, 'running');
    await drain();
    const got = seqs('/back');
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
  });

  it('names the first event rewritten in the database after it was streamed', async () => {
    const c = await company();
    await add(c.admin, { name: 'proof', kind: 'https_json', format: 'mamori', url: `${web}/proof` });
    await append(c.tenantId, 6);
    await drain();
    const target = seqs('/proof')[2];
    // An intruder with the database rewrites one streamed event (triggers off), leaving its hash.
    await db.current().db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await (tx as unknown as Tx)
        .update(auditEvents)
        .set({ actorLoginId: 'someone.else' })
        .where(and(eq(auditEvents.tenantId, c.tenantId), eq(auditEvents.seq, target)));
    });
    const { pem, events, tar } = await signerKey(c);
    expect(verifyStreamCopy(copy('/proof'), pem)).toMatchObject({ ok: true });
    // The same through the command a receiver runs: the copy alone holds, with the bundle it does not.
    const dir = mkdtempSync(path.join(tmpdir(), 'mamori-stream-'));
    const at = (name: string, content: string | Buffer) => {
      writeFileSync(path.join(dir, name), content);
      return path.join(dir, name);
    };
    const [copyFile, keyFile, bundleFile] = [at('copy.jsonl', copy('/proof')), at('key.pem', pem), at('b.tar', tar)];
    const alone = verifyCli(['--stream', copyFile, '--public-key', keyFile]);
    expect(alone).toMatchObject({ code: 0 });
    expect(alone.out).toContain(`stream copy OK: chain ${c.tenantId}, seq ${seqs('/proof')[0]}..`);
    const both = verifyCli(['--stream', copyFile, bundleFile, '--public-key', keyFile]);
    expect(both.code).toBe(1);
    expect(both.out).toContain(`stream copy DISAGREES (rewritten) at chain ${c.tenantId}, seq ${target}`);
    expect(verifyStreamCopy(copy('/proof'), pem, events)).toMatchObject({
      ok: false,
      damage: 'rewritten',
      tenantId: c.tenantId,
      seq: target,
    });
  });

  it('sends a test line, and keeps each company to its own streams', async () => {
    const [a, b] = [await company(), await company()];
    await add(a.admin, { name: 'mine', kind: 'https_json', format: 'mamori', url: `${web}/test` });
    const [{ id }] = await listStreams(a.admin);
    expect(await sendTestEvent(a.admin, id)).toEqual({ ok: true });
    expect(JSON.parse(received.get('/test')!.at(-1)!)).toMatchObject({ type: 'mamori.test', stream: 'mine' });
    down = true;
    try {
      expect(await sendTestEvent(a.admin, id)).toEqual({ ok: false, error: 'http_status' });
    } finally {
      down = false;
    }
    // Another company's admin reaches none of it.
    expect(await listStreams(b.admin)).toEqual([]);
    await expect(setStreamStatus(b.admin, id, 'paused')).rejects.toEqual(new AppError('not_found'));
    await expect(sendTestEvent(b.admin, id)).rejects.toEqual(new AppError('not_found'));
    await expect(removeStream(b.admin, id)).rejects.toEqual(new AppError('not_found'));
    await removeStream(a.admin, id);
    expect(
      await withPlatformTx((tx) => tx.select().from(auditStreams).where(eq(auditStreams.tenantId, a.tenantId))),
    ).toEqual([]);
  });
});
