import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { contextFor, tenantAccess } from '@/lib/testing/context';
import { createTenant } from '@/lib/testing/fixtures';
import { makeTestCa } from '@/lib/testing/test-ca';
import { setupTestDatabase } from '@/lib/testing/test-db';
import { createStream } from './create-stream';
import { listStreams } from './list-streams';
import { createStreamInput } from './stream-input';

const db = setupTestDatabase();
// A second process needs a database it can share: PostgreSQL (PGlite lives inside this process).
const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

let server: Server;
let base = '';
const received: string[] = [];
// The receiver holds its answer to the third request: the batch has reached it, the
// acknowledgement has not left. (Batches grow while a stream is behind: 50, 200, then the rest.)
const HOLD_AT = 3;
let requests = 0;
let held: { res: ServerResponse; lines: string[] } | null = null;
let onHeld: (() => void) | null = null;

beforeAll(async () => {
  if (!onPostgres) return;
  const ca = makeTestCa();
  process.env.MAMORI_OUTBOUND_CA_FILE = ca.caFile;
  server = createServer({ key: ca.key, cert: ca.cert }, (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const lines = body.split('\n').filter(Boolean);
      received.push(...lines);
      if (++requests === HOLD_AT) {
        held = { res, lines };
        onHeld?.();
        return;
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://localhost:${port}`;
  process.env.MAMORI_OUTBOUND_TEST_RECEIVERS = `localhost:${port}`;
});
afterAll(async () => {
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** An app instance delivering streams in a process of its own. */
function instance(clockOffsetMs: number): ChildProcess {
  return spawn(process.execPath, ['scripts/run.mjs', 'lib/testing/deliver-streams-child.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: db.url()!,
      MAMORI_TEST_CLOCK_OFFSET_MS: String(clockOffsetMs),
      MAMORI_TEST_STREAM_BATCH: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('an instance killed mid-delivery', () => {
  it.skipIf(!onPostgres)(
    'is resumed by the next from the cursor: no gap, no reorder, repeats only of the unacknowledged batch',
    async () => {
      const tenantId = await createTenant(`sk${Date.now().toString(36)}`);
      const admin = tenantAccess(contextFor(tenantId, crypto.randomUUID(), 'tenant_admin'), tenantId, 'security.write');
      await createStream(
        admin,
        createStreamInput.parse({ name: 'soc', kind: 'https_json', format: 'mamori', url: `${base}/in` }),
      );
      for (let i = 0; i < 300; i++)
        await withTenantTx(tenantId, (tx) =>
          recordAudit(tx, { tenantId, action: 'operator.updated', outcome: 'success', details: { i } }),
        );

      // The first instance delivers two batches; the third reaches the receiver, and the
      // instance is killed before the receiver's answer gets back to it.
      const first = instance(0);
      await new Promise<void>((resolve) => (held ? resolve() : (onHeld = resolve)));
      first.kill('SIGKILL');
      await exited(first);
      held!.res.destroy();
      const [atKill] = await listStreams(admin);
      const unacknowledged = held!.lines.map((l) => JSON.parse(l).seq as number);
      // The cursor stands at the last acknowledged event, just before the batch in flight.
      expect(atKill.deliveredSeq).toBe(unacknowledged[0] - 1);
      expect(atKill.deliveredSeq).toBeGreaterThan(0);

      // The next instance (past the dead one's one-minute lease) carries on from the cursor.
      const second = instance(61_000);
      try {
        await new Promise<void>((resolve) => {
          const check = async () => {
            const [s] = await listStreams(admin);
            if (s.lagEvents === 0) resolve();
            else setTimeout(() => void check(), 20);
          };
          void check();
        });
      } finally {
        second.kill('SIGKILL');
        await exited(second);
      }
      const seqs = received
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === 'mamori.audit_event')
        .map((l) => l.seq);
      const unique = [...new Set(seqs)];
      expect(unique).toEqual(Array.from({ length: unique.length }, (_, i) => unique[0] + i));
      expect(unique.at(-1)).toBe((await listStreams(admin))[0].deliveredSeq);
      // Repeated: exactly the batch whose acknowledgement was lost, sent again at the boundary.
      const repeated = seqs.filter((s, i) => seqs.indexOf(s) !== i);
      expect(repeated).toEqual(unacknowledged);
    },
  );
});
