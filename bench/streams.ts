/**
 * Audit streams on PostgreSQL, against receivers on this machine over TLS (a CA of the run's own).
 *
 * Live: three streams of one company (HTTPS JSON in Mamori's format, Splunk HEC in OCSF, syslog
 * over TLS) while 16 writers append chained events through the database's door as fast as they
 * can (P5's load), for 20 s; the deliverer runs as the server runs it (a round every second,
 * never two at once). Each receiver notes when each event arrived: lag = arrival - occurredAt.
 * The same writers without streams, just before, give the append rate streaming competes with.
 * Goal: lag p95 <= 5 s, every event delivered.
 *
 * Backfill: 1,000,000 events of one company (P4's generator), a stream created with a backfill
 * from their first day, delivered until caught up, against the audit JSON Lines export of the
 * same events in the same run (P4's child process). Goal: >= 0.5 x the export's rows/s.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import pg from 'pg';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { createStream } from '@/lib/streams/create-stream';
import { deliverStreams } from '@/lib/streams/deliver-streams';
import { listStreams } from '@/lib/streams/list-streams';
import { createStreamInput } from '@/lib/streams/stream-input';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { makeTestCa } from '@/lib/testing/test-ca';
import { createPostgresDatabase, nowMs, openSeeded, percentile, round, type BenchReport, type TableRow } from './lib';
import { generate, runExport } from './p4-audit-export';

const EVENTS = Number(process.env.BENCH_STREAMS_EVENTS ?? 1_000_000);
const LIVE_SECONDS = Number(process.env.BENCH_STREAMS_SECONDS ?? 20);
const WRITERS = 16;
const GOAL_LAG_S = 5;
const GOAL_BACKFILL = 0.5;
const CHILD = '--stream-receivers';

/** Receivers that keep, per stream path, how many events arrived, in what order, and each one's lag. */
async function serveReceivers() {
  const ca = makeTestCa();
  const seen: Record<string, { events: number; lastSeq: number; outOfOrder: number; lagsMs: number[] }> = {};
  let timing = true;
  const marker = Buffer.from('"mamori.audit_event"');
  const note = (path: string, bytes: Buffer, split: RegExp | string) => {
    const s = (seen[path] ??= { events: 0, lastSeq: 0, outOfOrder: 0, lagsMs: [] });
    const seqOf = (line: string) => Number(/"seq" ?: ?(\d+)/.exec(line)?.[1]);
    if (!timing && split === '\n') {
      // A backfill's batches: counted on the bytes, and their order checked by their first and
      // last events (a batch holds one chain's events in a row), so the receiver keeps up as a
      // SIEM would.
      let events = 0;
      for (let i = bytes.indexOf(marker); i >= 0; i = bytes.indexOf(marker, i + marker.length)) events++;
      if (events === 0) return;
      const first = seqOf(bytes.subarray(bytes.indexOf(marker), bytes.indexOf(marker) + 200).toString());
      const lastAt = bytes.lastIndexOf(marker);
      const last = seqOf(bytes.subarray(lastAt, lastAt + 200).toString());
      if (first <= s.lastSeq || last - first + 1 !== events) s.outOfOrder++;
      s.lastSeq = last;
      s.events += events;
      return;
    }
    const body = bytes.toString('utf8');
    const at = Date.now();
    for (const line of body.split(split)) {
      // The sequence number and time are found, not parsed.
      if (!line.includes('"mamori.audit_event"')) continue;
      const seq = seqOf(line);
      if (seq <= s.lastSeq) s.outOfOrder++;
      s.lastSeq = seq;
      s.events++;
      if (timing) s.lagsMs.push(at - Date.parse(/"occurredAt" ?: ?"([^"]+)"/.exec(line)![1]));
    }
  };
  const https = createHttpsServer({ key: ca.key, cert: ca.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      note(req.url ?? '/', Buffer.concat(chunks), '\n');
      res.writeHead(200).end('{"text":"Success","code":0}');
    });
  });
  const syslog = createTlsServer({ key: ca.key, cert: ca.cert }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      // Octet-counted frames: the JSON of each is the rest of its message.
      note('syslog', Buffer.concat(chunks), /(?=\d+ <110>1 )/);
      socket.end();
    });
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => syslog.listen(0, '127.0.0.1', resolve));
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'stopTiming') timing = false;
    if (m.cmd === 'stats') process.send!({ stats: seen });
    if (m.cmd === 'close') process.exit(0);
  });
  process.send!({
    caFile: ca.caFile,
    https: (https.address() as AddressInfo).port,
    syslog: (syslog.address() as AddressInfo).port,
  });
}

/**
 * The receivers in a process of their own, as a SIEM is: their work does not share this
 * process's event loop with the deliverer.
 */
async function startReceivers() {
  const child = fork('scripts/run.mjs', ['bench/streams.ts', CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ caFile: string; https: number; syslog: number }>((resolve) =>
    child.once('message', (m) => resolve(m as { caFile: string; https: number; syslog: number })),
  );
  process.env.MAMORI_OUTBOUND_CA_FILE = ready.caFile;
  process.env.MAMORI_OUTBOUND_TEST_RECEIVERS = `localhost:${ready.https},localhost:${ready.syslog}`;
  return {
    web: `https://localhost:${ready.https}`,
    syslog: `tls://localhost:${ready.syslog}`,
    stats: () =>
      new Promise<Record<string, { events: number; lastSeq: number; outOfOrder: number; lagsMs: number[] }>>(
        (resolve) => {
          child.once('message', (m) => resolve((m as { stats: never }).stats));
          child.send({ cmd: 'stats' });
        },
      ),
    stopTiming: () => child.send({ cmd: 'stopTiming' }),
    close: async () => {
      child.send({ cmd: 'close' });
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** 16 writers appending chained events to one company's trail for `seconds`: events per second. */
async function write(tenantId: string, seconds: number): Promise<number> {
  const until = nowMs() + seconds * 1000;
  let appended = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      while (nowMs() < until) {
        await withTenantTx(tenantId, (tx) =>
          recordAudit(tx, {
            tenantId,
            action: 'operator.updated',
            outcome: 'success',
            actor: { operatorId: null, loginId: `bench.writer${w}` },
            details: { writer: w, n: appended },
          }),
        );
        appended++;
      }
    }),
  );
  return appended / seconds;
}

/** Runs deliverStreams as the server does: a round every second, never two at once. */
function serverTicker() {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deliverStreams()
      .catch((error) => console.error('[streams] delivery failed', error))
      .finally(() => (running = false));
  }, 1_000);
  return async () => {
    clearInterval(timer);
    while (running) await new Promise((resolve) => setTimeout(resolve, 50));
  };
}

async function caughtUp(access: Parameters<typeof listStreams>[0]): Promise<number> {
  const t = nowMs();
  for (;;) {
    if ((await listStreams(access)).every((s) => s.lagEvents === 0)) return round((nowMs() - t) / 1000, 2);
    await deliverStreams();
  }
}

export async function runStreams(): Promise<BenchReport> {
  const bench = await createPostgresDatabase('mamori_bench_streams');
  const receivers = await startReceivers();
  try {
    const database = await openSeeded(bench.url);
    const client = new pg.Client({ connectionString: bench.url });
    await client.connect();
    try {
      const { rows: tenants } = await client.query<{ id: string }>(
        `select t.id from tenants t join operators o on o.tenant_id = t.id where t.kind = 'tenant'
          group by t.id order by count(*) desc, t.id limit 2`,
      );
      const access = (tenantId: string) =>
        tenantAccess(contextFor(tenantId, randomUUID(), 'tenant_admin', 'bench.admin'), tenantId, 'security.write');

      // Live: the append rate alone, then with three streams delivered as the server does.
      const live = tenants[1].id;
      const alone = round(await write(live, LIVE_SECONDS / 2), 0);
      for (const [name, kind, format, url] of [
        ['json', 'https_json', 'mamori', `${receivers.web}/json`],
        ['hec', 'splunk_hec', 'ocsf', `${receivers.web}/services/collector/event`],
        ['syslog', 'syslog_tls', 'mamori', receivers.syslog],
      ] as const)
        await createStream(
          access(live),
          createStreamInput.parse({ name, kind, format, url, token: kind === 'splunk_hec' ? 'bench-token' : '' }),
        );
      const stop = serverTicker();
      const streamed = round(await write(live, LIVE_SECONDS), 0);
      const drainSeconds = await (async () => {
        const t = nowMs();
        while (!(await listStreams(access(live))).every((s) => s.lagEvents === 0))
          await new Promise((resolve) => setTimeout(resolve, 100));
        return round((nowMs() - t) / 1000, 2);
      })();
      await stop();
      receivers.stopTiming();
      const {
        rows: [{ n: liveEvents }],
      } = await client.query<{ n: number }>(`select last_seq::int as n from audit_chains where tenant_id = $1`, [live]);
      const seen = await receivers.stats();
      const lag = (path: string) => {
        const s = seen[path];
        return {
          events: s.events,
          outOfOrder: s.outOfOrder,
          lastSeq: s.lastSeq,
          p50S: round(percentile(s.lagsMs, 50) / 1000, 2),
          p95S: round(percentile(s.lagsMs, 95) / 1000, 2),
          maxS: round(Math.max(...s.lagsMs) / 1000, 2),
        };
      };
      const lags = { json: lag('/json'), hec: lag('/services/collector/event'), syslog: lag('syslog') };
      console.log(`[streams] live: ${alone}/s alone, ${streamed}/s streamed; ${JSON.stringify(lags)}`);

      // Backfill: a million events, against their JSON Lines export.
      const big = tenants[0].id;
      const t0 = nowMs();
      await generate(client, big, EVENTS, new Date());
      const generateSeconds = round((nowMs() - t0) / 1000, 1);
      await client.query('vacuum analyze audit_events');
      const jsonl = await runExport(client, bench.url, big, 'jsonl', 'utf8');
      const {
        rows: [first],
      } = await client.query<{ day: string; n: number }>(
        `select to_char(min(occurred_at) at time zone 'Asia/Tokyo', 'YYYY-MM-DD') as day, count(*)::int as n
           from audit_events where tenant_id = $1`,
        [big],
      );
      await createStream(
        access(big),
        createStreamInput.parse({
          name: 'backfill',
          kind: 'https_json',
          format: 'mamori',
          url: `${receivers.web}/backfill`,
          backfillFrom: first.day,
        }),
      );
      const t1 = nowMs();
      await caughtUp(access(big));
      const backfillSeconds = (nowMs() - t1) / 1000;
      const backfill = (await receivers.stats())['/backfill'];
      const backfillRate = round(backfill.events / backfillSeconds, 0);
      const ratio = round(backfillRate / jsonl.rowsPerSecond, 3);
      console.log(
        `[streams] backfill: ${backfill.events} events in ${round(backfillSeconds, 1)} s = ${backfillRate}/s; JSON Lines export ${round(jsonl.rowsPerSecond, 0)}/s; ratio ${ratio}`,
      );

      const worstLag = Math.max(lags.json.p95S, lags.hec.p95S, lags.syslog.p95S);
      const complete = Object.values(lags).every((l) => l.lastSeq === liveEvents && l.outOfOrder === 0);
      const data = {
        live: {
          seconds: LIVE_SECONDS,
          writers: WRITERS,
          appendsPerSecondAlone: alone,
          appendsPerSecondStreamed: streamed,
          chainEvents: liveEvents,
          drainSeconds,
          lags,
          complete,
        },
        backfill: {
          events: backfill.events,
          chainEvents: first.n,
          outOfOrder: backfill.outOfOrder,
          seconds: round(backfillSeconds, 2),
          eventsPerSecond: backfillRate,
          jsonlExport: jsonl,
          ratio,
          generateSeconds,
        },
      };
      const rows: TableRow[] = [
        {
          bench: 'Streams',
          backend: 'postgres',
          measure: `lag p95 of 3 streams (JSON, HEC/OCSF, syslog/TLS) under ${WRITERS} writers (s)`,
          value: `${lags.json.p95S} / ${lags.hec.p95S} / ${lags.syslog.p95S}`,
          baseline: `${streamed} appends/s (alone ${alone}/s)`,
          ratio: String(round(streamed / alone, 3)),
          goal: `≤ ${GOAL_LAG_S} s, every event`,
          met: worstLag <= GOAL_LAG_S && complete ? 'yes' : 'NO',
        },
        {
          bench: 'Streams',
          backend: 'postgres',
          measure: `backfill of ${backfill.events.toLocaleString('en')} events, events/s`,
          value: String(backfillRate),
          baseline: `JSON Lines export ${round(jsonl.rowsPerSecond, 0)}/s`,
          ratio: String(ratio),
          goal: `≥ ${GOAL_BACKFILL}`,
          met: ratio >= GOAL_BACKFILL && backfill.outOfOrder === 0 ? 'yes' : 'NO',
        },
      ];
      return { rows, data };
    } finally {
      await client.end();
      await database.close();
    }
  } finally {
    await receivers.close();
    await bench.drop();
  }
}

if (process.argv[2] === CHILD) await serveReceivers();
