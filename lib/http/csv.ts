/**
 * RFC 4180 CSV that spreadsheet programs cannot be tricked into executing: a cell starting with
 * = + - @, tab, CR or NUL gets a leading apostrophe (OWASP "CSV injection"), and every cell with a
 * quote, comma or line break is quoted.
 */
const FORMULA = /^[=+\-@\t\r\0]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvRow = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;
