/** The kinds of personal data an order export can carry, for the "what it will contain" summary. */
export type PiiKind = 'names' | 'addresses' | 'phones' | 'emails' | 'comments';

/** Every exportable column, in file order, with the personal data it carries (no database imports: the form uses it too). */
export const ORDER_EXPORT_COLUMNS = [
  { key: 'order_no', pii: null },
  { key: 'status', pii: null },
  { key: 'ordered_at', pii: null },
  { key: 'customer_name', pii: 'names' },
  { key: 'customer_kana', pii: 'names' },
  { key: 'customer_email', pii: 'emails' },
  { key: 'customer_email_alt', pii: 'emails' },
  { key: 'customer_phone', pii: 'phones' },
  { key: 'customer_postal_code', pii: 'addresses' },
  { key: 'customer_address', pii: 'addresses' },
  { key: 'customer_comment', pii: 'comments' },
  { key: 'admin_comment', pii: 'comments' },
  { key: 'ship_name', pii: 'names' },
  { key: 'ship_postal_code', pii: 'addresses' },
  { key: 'ship_address', pii: 'addresses' },
  { key: 'ship_phone', pii: 'phones' },
  { key: 'amount', pii: null },
  { key: 'tracking_no', pii: null },
] as const satisfies readonly { key: string; pii: PiiKind | null }[];

export type OrderExportColumn = (typeof ORDER_EXPORT_COLUMNS)[number]['key'];
export const ORDER_EXPORT_COLUMN_KEYS = ORDER_EXPORT_COLUMNS.map((c) => c.key) as [
  OrderExportColumn,
  ...OrderExportColumn[],
];

/** The chosen columns in file order (whatever order the form sent them in), without repeats. */
export function orderedColumns(chosen: readonly string[]) {
  const set = new Set(chosen);
  return ORDER_EXPORT_COLUMNS.filter((c) => set.has(c.key));
}

/** The kinds of personal data the chosen columns carry, in a fixed order. */
export function piiKinds(chosen: readonly string[]): PiiKind[] {
  const kinds = new Set(
    orderedColumns(chosen)
      .map((c) => c.pii)
      .filter((k): k is PiiKind => k !== null),
  );
  return (['names', 'addresses', 'phones', 'emails', 'comments'] as const).filter((k) => kinds.has(k));
}
