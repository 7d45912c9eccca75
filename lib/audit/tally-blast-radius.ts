import type { ExportedEvent } from './verify-bundle';

/** Events that change how a company is protected or run: counted as "settings changed". */
export const SETTING_GROUPS = [
  'ip_allowlist',
  'ip_block',
  'operator',
  'tenant',
  'site',
  'password_policy',
  'api_token',
  'alert_webhook',
  'support_access',
  'payment_settings',
] as const;
// And these, in groups that are otherwise about one's own account.
export const SETTING_ACTIONS = ['mfa.policy_updated', 'mfa.reset', 'password.change_forced'] as const;

/** A payment secret shown on screen: counted on its own, never as a setting changed. */
export const SECRET_REVEALED = 'payment_settings.revealed';

/**
 * What one tenant's site (or no site) had done to it, as the figures any reader can recompute
 * from the events: times as ISO 8601 in UTC, login IDs sorted.
 */
export interface SiteFigures {
  tenantId: string;
  siteId: string | null;
  operators: string[];
  ordersExported: number;
  exportFiles: { sha256: string | null; rows: number; customers: number; at: string }[];
  exportsUnaccounted: number;
  rowsSentBeforeAbort: number;
  membersRevealed: number;
  membersListed: number;
  ordersRevealed: number;
  ordersListed: number;
  paymentSecretsRevealed: number;
  settingsChanged: number;
  firstAt: string;
  lastAt: string;
}

/** The event fields the figures are counted from. */
export type TalliedEvent = Pick<
  ExportedEvent,
  'tenantId' | 'seq' | 'occurredAt' | 'action' | 'outcome' | 'actorOperatorId' | 'actorLoginId' | 'details'
>;

// `details->>'key'` as PostgreSQL reads it: a string as it is, JSON null or absent as null,
// anything else as its JSON text.
const text = (v: unknown): string | null =>
  v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v);
// `coalesce((details->>'key')::bigint, 0)`.
const count = (v: unknown): number => {
  const t = text(v);
  return t === null ? 0 : Number(t);
};

const isSettingChange = (action: string): boolean =>
  action !== SECRET_REVEALED &&
  ((SETTING_GROUPS as readonly string[]).includes(action.split('.')[0]) ||
    (SETTING_ACTIONS as readonly string[]).includes(action));

interface Tally {
  figures: SiteFigures;
  operators: Set<string>;
  members: Set<string>;
  orders: Set<string>;
  files: { seq: number; ms: number; file: SiteFigures['exportFiles'][number] }[];
  started: number;
  ended: number;
  first: number;
  last: number;
}

/**
 * The blast-radius figures per tenant and site from the events themselves, with exactly the
 * semantics of measureBlastRadius's SQL, so that a regulator holding a bundle's events can
 * recompute the report without the platform.
 */
export function tallyBlastRadius(events: Iterable<TalliedEvent>): SiteFigures[] {
  const sites = new Map<string, Tally>();
  for (const e of events) {
    const details = e.details ?? {};
    const siteId = text(details.siteId);
    const key = JSON.stringify([e.tenantId, siteId]);
    const ms = Date.parse(e.occurredAt);
    let t = sites.get(key);
    if (!t) {
      t = {
        figures: {
          tenantId: e.tenantId,
          siteId,
          operators: [],
          ordersExported: 0,
          exportFiles: [],
          exportsUnaccounted: 0,
          rowsSentBeforeAbort: 0,
          membersRevealed: 0,
          membersListed: 0,
          ordersRevealed: 0,
          ordersListed: 0,
          paymentSecretsRevealed: 0,
          settingsChanged: 0,
          firstAt: '',
          lastAt: '',
        },
        operators: new Set(),
        members: new Set(),
        orders: new Set(),
        files: [],
        started: 0,
        ended: 0,
        first: ms,
        last: ms,
      };
      sites.set(key, t);
    }
    const f = t.figures;
    const success = e.outcome === 'success';
    t.first = Math.min(t.first, ms);
    t.last = Math.max(t.last, ms);
    if (success && e.actorOperatorId !== null && e.actorLoginId !== null) t.operators.add(e.actorLoginId);
    if (success && isSettingChange(e.action)) f.settingsChanged++;
    switch (e.action) {
      case 'orders.export_started':
        t.started++;
        break;
      case 'orders.exported':
        t.ended++;
        f.ordersExported += count(details.rows);
        t.files.push({
          seq: e.seq,
          ms,
          file: {
            sha256: text(details.sha256),
            rows: count(details.rows),
            customers: count(details.customers),
            at: new Date(ms).toISOString(),
          },
        });
        break;
      case 'orders.export_aborted':
        t.ended++;
        f.rowsSentBeforeAbort += count(details.rowsSent);
        break;
      case 'member.revealed':
        if (text(details.memberNo) !== null) t.members.add(text(details.memberNo)!);
        break;
      case 'members.listed':
        f.membersListed += count(details.count);
        break;
      case 'order.revealed':
        if (text(details.orderNo) !== null) t.orders.add(text(details.orderNo)!);
        break;
      case 'orders.listed':
        f.ordersListed += count(details.count);
        break;
      case SECRET_REVEALED:
        if (success) f.paymentSecretsRevealed++;
        break;
    }
  }
  return [...sites.values()]
    .map((t) => ({
      ...t.figures,
      operators: [...t.operators].sort(),
      exportFiles: t.files.sort((a, b) => a.ms - b.ms || a.seq - b.seq).map((x) => x.file),
      exportsUnaccounted: Math.max(0, t.started - t.ended),
      membersRevealed: t.members.size,
      ordersRevealed: t.orders.size,
      firstAt: new Date(t.first).toISOString(),
      lastAt: new Date(t.last).toISOString(),
    }))
    .sort((a, b) => compare(a.tenantId, b.tenantId) || compare(a.siteId ?? '', b.siteId ?? ''));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
