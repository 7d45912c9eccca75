import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf, judgeBody, readJudgedBody } from './judge-body';

const multipart = (boundary: string, ...tail: string[]) =>
  Buffer.from(
    [`--${boundary}\r\nContent-Disposition: form-data; name="loginId"\r\n\r\nsakura.admin`, ...tail].join(''),
    'latin1',
  );

describe('judging a body before Next parses it', () => {
  it('reads the multipart boundary, quoted or not, and refuses a malformed one', () => {
    expect(boundaryOf('multipart/form-data; boundary=----WebKitFormBoundaryAbC123')).toBe(
      '----WebKitFormBoundaryAbC123',
    );
    expect(boundaryOf('multipart/form-data; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/form-data')).toBeNull();
    expect(boundaryOf('multipart/form-data; boundary=')).toBeNull();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeNull();
    expect(boundaryOf('multipart/form-data; boundary=ends-in-space ')).toBe('ends-in-space');
    expect(boundaryOf('multipart/form-data; boundary=bad{char}')).toBeNull();
  });

  it('takes a whole multipart body and refuses one without a boundary or cut short', () => {
    const type = 'multipart/form-data; boundary=XyZ';
    expect(judgeBody(type, multipart('XyZ', '\r\n--XyZ--\r\n'))).toBeNull();
    expect(judgeBody(type, multipart('XyZ', '\r\n--XyZ--'))).toBeNull();
    expect(judgeBody('multipart/form-data', multipart('XyZ', '\r\n--XyZ--\r\n'))).toBe('multipart_without_boundary');
    expect(judgeBody(type, multipart('XyZ'))).toBe('multipart_incomplete');
    expect(judgeBody(type, multipart('XyZ', '\r\n--XyZ--\r\ntrailing junk'))).toBe('multipart_incomplete');
    expect(judgeBody(type, multipart('Other', '\r\n--Other--\r\n'))).toBe('multipart_incomplete');
    expect(judgeBody(type, Buffer.alloc(0))).toBe('multipart_incomplete');
  });

  it('refuses JSON that does not parse, and lets other types through as they are', () => {
    expect(judgeBody('application/json', Buffer.from('{"a":1}'))).toBeNull();
    expect(judgeBody('application/json; charset=utf-8', Buffer.from('{bad'))).toBe('json_malformed');
    expect(judgeBody('application/x-www-form-urlencoded', Buffer.from('%%%'))).toBeNull();
    expect(judgeBody(undefined, Buffer.from('anything'))).toBeNull();
  });
});

describe('reading a body whole over a real socket', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const verdict = await readJudgedBody(req);
      if (!verdict.ok) {
        res.writeHead(verdict.status).end(verdict.reason);
        return;
      }
      // What the next reader gets: the same bytes again.
      const again: Buffer[] = [];
      for await (const c of verdict.request as AsyncIterable<Buffer>) again.push(c);
      res.end(Buffer.concat(again));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (body: Buffer, headers: Record<string, string>, chunked = false) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          headers: chunked ? headers : { ...headers, 'content-length': String(body.length) },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('hands the next reader the same bytes, and answers 400 or 413 itself', async () => {
    const good = multipart('XyZ', '\r\n--XyZ--\r\n');
    expect(await send(good, { 'content-type': 'multipart/form-data; boundary=XyZ' })).toEqual({
      status: 200,
      text: good.toString('latin1'),
    });
    expect(await send(multipart('XyZ'), { 'content-type': 'multipart/form-data; boundary=XyZ' })).toEqual({
      status: 400,
      text: 'multipart_incomplete',
    });
    expect(await send(good, { 'content-type': 'multipart/form-data' })).toEqual({
      status: 400,
      text: 'multipart_without_boundary',
    });
    // A chunked body has no Content-Length to refuse up front: its bytes are counted.
    expect((await send(Buffer.alloc(1024 * 1024 + 1, 97), { 'content-type': 'text/plain' }, true)).status).toBe(413);
  });
});
