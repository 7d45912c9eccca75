/**
 * The console's forms as a browser without JavaScript posts them: the hidden fields of a server
 * action's form, read from the page, and a multipart body. For measurements from outside.
 */
const decode = (v: string) =>
  v
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#x27;', "'");

/** The hidden fields of the form that holds `marker` (a field name or a data-testid). */
export function hiddenFields(html: string, marker: string): [string, string][] {
  const form = html
    .split(/<form\b/)
    .slice(1)
    .find((f) => f.includes(`name="${marker}"`) || f.includes(`data-testid="${marker}"`));
  if (!form) throw new Error(`no form with ${marker}`);
  return [
    ...form.slice(0, form.indexOf('</form>')).matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g),
  ].map((m): [string, string] => [decode(m[1]), decode(m[2] ?? '')]);
}

export function multipart(fields: [string, string][]): { body: Buffer; type: string } {
  const boundary = `----mamori${Math.random().toString(16).slice(2)}`;
  const parts = fields.map(
    ([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}
