import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { metrics } from './metrics';
import { observeRequest, routeOf } from './observe-request';
import { noteCaller, requestStorage } from './request-store';
import { serveMetrics } from './serve-metrics';

/** A logger writing its lines into an array, installed as the process's logger. */
function captureLogs(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  (globalThis as { __mamoriLogger?: unknown }).__mamoriLogger = createLogger(sink, 'info');
  return lines;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  delete (globalThis as { __mamoriLogger?: unknown }).__mamoriLogger;
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  else await new Promise((resolve) => setTimeout(resolve, 0));
  return (server.address() as AddressInfo).port;
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

describe('logs', () => {
  it('never write a secret, at any depth a field may sit', () => {
    const lines = captureLogs();
    const { logger } = { logger: (globalThis as { __mamoriLogger?: ReturnType<typeof createLogger> }).__mamoriLogger! };
    logger.info(
      {
        password: 'hunter2-password',
        token: 'mmr_live_token',
        headers: { authorization: 'Bearer abc', cookie: 'session=xyz', 'set-cookie': 'a=b' },
        input: { code: '123456', newPassword: 'n3w-password', nested: { secret: 'whsec_1' } },
        loginId: 'sakura.admin',
      },
      'login attempt',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'hunter2-password',
      'mmr_live_token',
      'Bearer abc',
      'session=xyz',
      'a=b',
      '123456',
      'n3w-password',
      'whsec_1',
    ])
      expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'login attempt',
      loginId: 'sakura.admin',
      password: '[redacted]',
    });
  });

  it('one line per request: id, route with ids folded, status, duration, tenant and operator; no query string', async () => {
    const lines = captureLogs();
    const tenant = '0b4a1a7e-1111-4c5d-9e8f-000000000001';
    const server = createServer((req, res) => {
      requestStorage().run(observeRequest(req, res), () => {
        noteCaller({ tenantId: tenant, operatorId: 'op-1' });
        res.writeHead(201).end('ok');
      });
    });
    const port = await listen(server);
    const answer = await get(port, `/t/${tenant}/operators?token=leaked-in-url`);
    expect(answer.status).toBe(201);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request',
      requestId: answer.headers['x-request-id'],
      method: 'GET',
      route: '/t/:id/operators',
      status: 201,
      tenantId: tenant,
      operatorId: 'op-1',
    });
    expect(typeof lines[0].durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('leaked-in-url');
  });
});

describe('routes as labels', () => {
  it('fold ids and numbers, and build assets into one', () => {
    expect(
      routeOf('/t/0b4a1a7e-1111-4c5d-9e8f-000000000001/sites/0b4a1a7e-1111-4c5d-9e8f-000000000002/orders?page=2'),
    ).toBe('/t/:id/sites/:id/orders');
    expect(routeOf('/api/v1/audit-events/123')).toBe('/api/v1/audit-events/:n');
    expect(routeOf('/_next/static/chunks/abc.js')).toBe('/_next');
  });
});

describe('metrics', () => {
  it('are served on their own port, behind the token when one is set, with the counts', async () => {
    metrics().logins.inc({ outcome: 'succeeded' });
    metrics().exportBytes.inc(1234);
    const server = serveMetrics({
      port: 0,
      host: '127.0.0.1',
      token: 'scrape-token-0123456789',
      beforeScrape: async () => metrics().auditChainsWaiting.set(3),
    });
    const port = await listen(server);
    expect((await get(port, '/metrics')).status).toBe(401);
    expect((await get(port, '/metrics', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await get(port, '/other', { authorization: 'Bearer scrape-token-0123456789' })).status).toBe(404);
    const scrape = await get(port, '/metrics', { authorization: 'Bearer scrape-token-0123456789' });
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/mamori_logins_total\{outcome="succeeded"\} [1-9]/);
    expect(scrape.body).toMatch(/mamori_export_bytes_total [1-9]\d*/);
    expect(scrape.body).toContain('mamori_audit_chains_waiting 3');
    expect(scrape.body).toContain('mamori_process_cpu_user_seconds_total');
  });
});
