/**
 * RFC 4180 CSV that spreadsheet programs cannot be tricked into executing: a cell starting with
 * = + - @, tab, CR or NUL gets a leading apostrophe (OWASP "CSV injection"), and every cell with a
 * quote, comma or line break is quoted.
 */
const FORMULA = /^[=+\-@\t\r\0]/;
const QUOTED = /[",\r\n]/;
// A start or end that may need the apostrophe or quotes (\s is exactly what trim() removes).
const EDGE = /^[=+\-@\0\s]|\s$/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return csvText(value instanceof Date ? value.toISOString() : String(value));
}

/** csvCell for text, without the conversions: exports call it millions of times. */
export function csvText(value: string | null): string {
  if (value === null) return '';
  let text = value;
  const quote = QUOTED.test(text);
  if (!quote && !EDGE.test(text)) return text;
  if (FORMULA.test(text)) text = `'${text}`;
  return quote || text !== text.trim() ? `"${text.includes('"') ? text.replaceAll('"', '""') : text}"` : text;
}

export const csvRow = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** A strict RFC 4180 reader (CRLF rows, quoted fields), to prove what we write reads back exactly. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (cell !== '') throw new Error('quote inside unquoted cell');
      quoted = true;
      i++;
      continue;
    }
    if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
      continue;
    }
    if (c === '\n' || c === '\r') throw new Error('bare line break');
    cell += c;
    i++;
  }
  if (quoted) throw new Error('unterminated quote');
  return rows;
}
