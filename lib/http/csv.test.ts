import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv';

/** A strict RFC 4180 reader, to prove what we write reads back exactly. */
function parse(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      cell += c; i++; continue;
    }
    if (c === '"') { if (cell !== '') throw new Error('quote inside unquoted cell'); quoted = true; i++; continue; }
    if (c === ',') { row.push(cell); cell = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    if (c === '\n' || c === '\r') throw new Error('bare line break');
    cell += c; i++;
  }
  if (quoted) throw new Error('unterminated quote');
  return rows;
}

describe('csv', () => {
  it('neutralises formulas and round-trips through a strict parser', () => {
    const cells = ['=HYPERLINK("http://evil","x")', '+1', '-2+3', '@SUM(1)', '\tTAB', '\rCR', '\0NUL', 'a,b', 'say "hi"', 'line\nbreak', '佐藤 翔', '', null, 42];
    const parsed = parse(csvRow(cells));
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toEqual(["'=HYPERLINK(\"http://evil\",\"x\")", "'+1", "'-2+3", "'@SUM(1)", "'\tTAB", "'\rCR", "'\0NUL", 'a,b', 'say "hi"', 'line\nbreak', '佐藤 翔', '', '', '42']);
    for (const cell of parsed[0]) expect(cell).not.toMatch(/^[=+\-@\t\r\0]/);
  });

  it('writes dates as ISO 8601 UTC', () => {
    expect(csvCell(new Date('2026-11-25T01:02:03.004Z'))).toBe('2026-11-25T01:02:03.004Z');
  });
});
