import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_IP_HEADER } from '@/lib/ip/client-ip';
import { parseCidrList } from '@/lib/ip/ip';
import { prepareRequest, type RequestRefusal } from './prepare-request';

// Real sockets from real source addresses: the server entry's filter in front of an echo handler.
let trusted = parseCidrList('');
const reported: RequestRefusal[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!prepareRequest(req, res, trusted, (r) => reported.push(r))) return;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        ip: req.headers[CLIENT_IP_HEADER],
        xff: req.headers['x-forwarded-for'] ?? null,
        sub: req.headers['x-middleware-subrequest'] ?? null,
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function call(opts: {
  host: string;
  localAddress?: string;
  method?: string;
  headers?: Record<string, string>;
  path?: string;
}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: opts.host,
        port,
        localAddress: opts.localAddress,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('server entry request filter', () => {
  it('takes the client IP from the socket: different loopback sources are told apart', async () => {
    trusted = [];
    expect(JSON.parse((await call({ host: '127.0.0.1', localAddress: '127.0.0.5' })).body).ip).toBe('127.0.0.5');
    expect(JSON.parse((await call({ host: '127.0.0.1', localAddress: '127.0.0.9' })).body).ip).toBe('127.0.0.9');
    expect(JSON.parse((await call({ host: '::1' })).body).ip).toBe('::1');
  });

  it('ignores a spoofed X-Forwarded-For (and our own header) from an untrusted peer', async () => {
    trusted = [];
    const r = JSON.parse(
      (
        await call({
          host: '127.0.0.1',
          localAddress: '127.0.0.5',
          headers: { 'x-forwarded-for': '203.0.113.1', [CLIENT_IP_HEADER]: '203.0.113.2', 'x-real-ip': '203.0.113.3' },
        })
      ).body,
    );
    expect(r).toMatchObject({ ip: '127.0.0.5', xff: null });
  });

  it('uses the forwarded address when the peer is a trusted proxy', async () => {
    trusted = parseCidrList('127.0.0.5/32');
    const viaProxy = JSON.parse(
      (
        await call({
          host: '127.0.0.1',
          localAddress: '127.0.0.5',
          headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.20' },
        })
      ).body,
    );
    expect(viaProxy.ip).toBe('198.51.100.20');
    // The same header from a peer that is not the proxy changes nothing.
    const direct = JSON.parse(
      (await call({ host: '127.0.0.1', localAddress: '127.0.0.6', headers: { 'x-forwarded-for': '198.51.100.20' } }))
        .body,
    );
    expect(direct.ip).toBe('127.0.0.6');
  });

  it('strips internal Next headers such as x-middleware-subrequest from everyone', async () => {
    trusted = parseCidrList('127.0.0.0/8');
    const r = JSON.parse(
      (await call({ host: '127.0.0.1', headers: { 'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy' } })).body,
    );
    expect(r.sub).toBeNull();
  });

  it('refuses every write without same-origin proof, server actions and plain form posts alike, and reports why', async () => {
    const own = `http://127.0.0.1:${port}`;
    const post = (headers: Record<string, string>, path = '/login') =>
      call({ host: '127.0.0.1', method: 'POST', path, headers }).then((r) => r.status);
    reported.length = 0;
    expect(await post({ 'next-action': 'abc123', origin: 'https://evil.example' })).toBe(403);
    expect(await post({ 'next-action': 'abc123' })).toBe(403);
    expect(await post({ origin: 'null' })).toBe(403);
    // The login form posted by something that is no browser (no Origin, no Sec-Fetch-Site).
    expect(await post({})).toBe(403);
    expect(await post({ 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await post({ origin: 'not a url' })).toBe(403);
    expect(reported.map((r) => r.reason)).toEqual([
      'foreign_origin',
      'no_origin_proof',
      'null_origin',
      'no_origin_proof',
      'foreign_origin',
      'foreign_origin',
    ]);
    expect(reported[0]).toMatchObject({
      method: 'POST',
      path: '/login',
      origin: 'https://evil.example',
      clientIp: '127.0.0.1',
    });
    // Our own pages: Origin, or Sec-Fetch-Site where a browser sends no Origin.
    expect(await post({ 'next-action': 'abc123', origin: own })).toBe(200);
    expect(await post({ 'sec-fetch-site': 'same-origin' })).toBe(200);
    // An API client naming its own credentials, with no cookie to ride on.
    expect(await post({ authorization: 'Bearer mk_abc' }, '/api/v1/audit-events')).toBe(200);
    expect(
      await post({ authorization: 'Bearer mk_abc', cookie: 'authjs.session-token=x' }, '/api/v1/audit-events'),
    ).toBe(403);
    expect(await post({ authorization: 'Bearer mk_abc' }, '/login')).toBe(403);
    // Reads need no proof.
    expect((await call({ host: '127.0.0.1', path: '/login' })).status).toBe(200);
  });

  it('answers 405 to methods no route uses, and 413 to oversized bodies', async () => {
    expect((await call({ host: '127.0.0.1', method: 'TRACE' })).status).toBe(405);
    expect((await call({ host: '127.0.0.1', method: 'PUT', path: '/login' })).status).toBe(405);
    expect((await call({ host: '127.0.0.1', method: 'DELETE', path: '/' })).status).toBe(405);
    expect((await call({ host: '127.0.0.1', method: 'PROPFIND', path: '/api/health' })).status).toBe(405);
    expect(
      (
        await call({
          host: '127.0.0.1',
          method: 'PUT',
          path: '/api/v1/me',
          headers: { origin: `http://127.0.0.1:${port}` },
        })
      ).status,
    ).toBe(200); // passed on; Next answers 405
    expect(
      (await call({ host: '127.0.0.1', method: 'POST', headers: { 'content-length': String(2 * 1024 * 1024) } }))
        .status,
    ).toBe(413);
  });
});
