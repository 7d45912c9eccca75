import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { streamCopy, type ExportSummary } from './stream-export';

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
  const stream = streamCopy({ encoding, header: 'h1,h2,h3\r\n', source: source(COPIED, size), finish: async (s) => (summary = s) });
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
