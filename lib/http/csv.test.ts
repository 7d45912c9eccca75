import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, parseCsv as parse } from './csv';

describe('csv', () => {
  it('neutralises formulas and round-trips through a strict parser', () => {
    const cells = [
      '=HYPERLINK("http://evil","x")',
      '+1',
      '-2+3',
      '@SUM(1)',
      '\tTAB',
      '\rCR',
      '\0NUL',
      'a,b',
      'say "hi"',
      'line\nbreak',
      '佐藤 翔',
      '',
      null,
      42,
    ];
    const parsed = parse(csvRow(cells));
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toEqual([
      '\'=HYPERLINK("http://evil","x")',
      "'+1",
      "'-2+3",
      "'@SUM(1)",
      "'\tTAB",
      "'\rCR",
      "'\0NUL",
      'a,b',
      'say "hi"',
      'line\nbreak',
      '佐藤 翔',
      '',
      '',
      '42',
    ]);
    for (const cell of parsed[0]) expect(cell).not.toMatch(/^[=+\-@\t\r\0]/);
  });

  it('writes dates as ISO 8601 UTC', () => {
    expect(csvCell(new Date('2026-11-25T01:02:03.004Z'))).toBe('2026-11-25T01:02:03.004Z');
  });
});
