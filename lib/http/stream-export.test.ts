import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import { parseCsv } from './csv';
import { streamBatches, streamBuffer, streamCopy, type AbortSummary, type ExportSummary } from './stream-export';

// Batches of the embedded database's size (2,000 rows); no database is opened.
vi.mock('@/db', () => ({ getDatabase: async () => ({ kind: 'pglite' }) }));

// What COPY (FORMAT csv) writes: LF row ends, quoted cells with doubled quotes and line breaks inside.
const COPIED = 'a,"say ""hi"", then\nnew line",日本語\n"x\r\ny",,"""quoted"""\nlast,"\n",z\n';

function source(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += size)));
    },
  });
}

async function run(size: number, encoding: 'utf8' | 'utf8-bom' | 'sjis') {
  let summary: ExportSummary | undefined;
  const stream = streamCopy({
    encoding,
    header: 'h1,h2,h3\r\n',
    source: source(COPIED, size),
    finish: async (s) => (summary = s),
    abort: async () => undefined,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return { file: Buffer.concat(chunks), summary: summary! };
}

describe('streamCopy', () => {
  it('ends rows with CRLF but leaves line breaks inside quoted cells, whatever the chunking', async () => {
    // One byte at a time splits every quote pair, every CRLF and every multi-byte character.
    for (const size of [1, 2, 3, 7, 1 << 16]) {
      const { file, summary } = await run(size, 'utf8');
      expect(parseCsv(file.toString('utf8'))).toEqual([
        ['h1', 'h2', 'h3'],
        ['a', 'say "hi", then\nnew line', '日本語'],
        ['x\r\ny', '', '"quoted"'],
        ['last', '\n', 'z'],
      ]);
      expect(summary).toEqual({ rows: 3, bytes: file.length, sha256: createHash('sha256').update(file).digest('hex') });
    }
  });

  it('writes a BOM first, or Shift_JIS, and hashes the bytes sent', async () => {
    const bom = await run(5, 'utf8-bom');
    expect(bom.file.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const sjis = await run(1, 'sjis');
    expect(parseCsv(iconv.decode(sjis.file, 'Shift_JIS'))[1][2]).toBe('日本語');
    expect(sjis.summary.sha256).toBe(createHash('sha256').update(sjis.file).digest('hex'));
  });
});

describe('an export that stops short', () => {
  it('records what had been handed over when the reader goes away, once, and no finish', async () => {
    const aborts: AbortSummary[] = [];
    let finished = false;
    const stream = streamCopy({
      encoding: 'utf8',
      header: 'h1,h2,h3\r\n',
      source: source(COPIED, 1),
      finish: async () => (finished = true),
      abort: async (s) => void aborts.push(s),
    });
    const reader = stream.getReader();
    let bytes = 0;
    // The header, then the first row (40 bytes) and a little of the second, a byte at a time.
    for (let i = 0; i < 46; i++) bytes += (await reader.read()).value!.length;
    await reader.cancel();
    await reader.cancel().catch(() => undefined);
    expect(finished).toBe(false);
    expect(aborts).toEqual([{ rows: 1, bytes, cause: 'client_closed' }]);
  });

  it('records a cancel as the client closing even when the read it cuts short fails', async () => {
    const aborts: AbortSummary[] = [];
    // A COPY source whose pending read fails when the download is cancelled under it.
    let fail: (e: Error) => void = () => undefined;
    const source = {
      getReader: () => ({
        read: () => new Promise((_resolve, reject) => (fail = reject)),
        cancel: async () => fail(new Error('Connection terminated')),
      }),
    };
    const stream = streamCopy({
      encoding: 'utf8',
      header: 'h\r\n',
      source: source as never,
      finish: async () => undefined,
      abort: async (s) => void aborts.push(s),
    });
    const reader = stream.getReader();
    await reader.read();
    const pending = reader.read().catch((e: Error) => e.message);
    await reader.cancel();
    await pending;
    expect(aborts).toEqual([{ rows: 0, bytes: 3, cause: 'client_closed' }]);
  });

  it('records a failing source as failed', async () => {
    const aborts: AbortSummary[] = [];
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('connection to the database lost'));
      },
    });
    const stream = streamCopy({
      encoding: 'utf8',
      header: 'h\r\n',
      source: failing,
      finish: async () => undefined,
      abort: async (s) => void aborts.push(s),
    });
    const reader = stream.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow('connection to the database lost');
    expect(aborts).toEqual([{ rows: 0, bytes: 3, cause: 'failed' }]);
  });

  it('hands a file made in memory out in pieces, with its end or its abort recorded', async () => {
    const file = Buffer.alloc(600 * 1024, 7);
    const ends: unknown[] = [];
    const whole = streamBuffer(file, { finish: async (s) => void ends.push(s), abort: async (s) => void ends.push(s) });
    const pieces: Buffer[] = [];
    for await (const piece of whole as unknown as AsyncIterable<Uint8Array>) pieces.push(Buffer.from(piece));
    expect(Buffer.concat(pieces).equals(file)).toBe(true);
    expect(ends).toEqual([{ bytes: file.length, sha256: createHash('sha256').update(file).digest('hex') }]);
    const cut = streamBuffer(file, {
      finish: async (s) => void ends.push(s),
      abort: async (s) => void ends.push(s),
    }).getReader();
    await cut.read();
    await cut.cancel();
    expect(ends.at(-1)).toEqual({ bytes: 256 * 1024, cause: 'client_closed' });
  });

  it('makes rows only as fast as the reader takes them, and records the export only after its last slice was taken', async () => {
    const all = Array.from({ length: 4_500 }, (_, i) => String(i).padStart(5, '0'));
    const ends: unknown[] = [];
    const batches = () =>
      streamBatches({
        encoding: 'utf8',
        header: 'n\r\n',
        fetch: async (limit, last) => all.filter((n) => last === undefined || n > last).slice(0, limit),
        line: (n) => `${n}\r\n`,
        finish: async (s) => void ends.push({ finish: s.rows }),
        abort: async (s) => void ends.push(s),
      });
    const cut = batches().getReader();
    const header = (await cut.read()).value!;
    const slice = (await cut.read()).value!;
    await cut.cancel();
    // The header and one slice of 500 rows had left; nothing more was made.
    expect(ends).toEqual([{ rows: 500, bytes: header.length + slice.length, cause: 'client_closed' }]);

    ends.length = 0;
    const whole = batches().getReader();
    let text = '';
    // How many ends were recorded as each piece arrived: none while any piece was still to come.
    const seen: number[] = [];
    for (let r = await whole.read(); !r.done; r = await whole.read()) {
      seen.push(ends.length);
      text += Buffer.from(r.value).toString('utf8');
    }
    expect(seen.slice(0, -1).every((n) => n === 0)).toBe(true);
    expect(seen.length).toBe(1 + 4_500 / 500);
    expect(text.split('\r\n').slice(1, -1)).toEqual(all);
    expect(ends).toEqual([{ finish: 4_500 }]);
  });
});
