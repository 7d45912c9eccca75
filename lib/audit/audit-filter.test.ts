import { toZoned, parseDateTime } from '@internationalized/date';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from './audit-actions';
import {
  VIEWER_TIME_ZONE,
  VIEWER_UTC_OFFSET,
  filterParams,
  parseAuditFilter,
  requireAuditFilter,
  viewerLocalInput,
} from './audit-filter';

const ok = (raw: Record<string, string>, source: 'console' | 'api' = 'api') => {
  const r = parseAuditFilter(raw, source);
  if (!r.ok) throw new Error(JSON.stringify(r.fieldErrors));
  return r.filter;
};
const errors = (raw: Record<string, string>, source: 'console' | 'api' = 'api') => {
  const r = parseAuditFilter(raw, source);
  if (r.ok) throw new Error('expected a refusal');
  return r.fieldErrors;
};

describe('audit filter: one time model', () => {
  it('reads a console date-time in Japan time and an API time by its offset', () => {
    expect(ok({ from: '2026-12-02T23:30' }, 'console').from!.toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(ok({ from: '2026-12-02T23:30:15' }, 'console').from!.toISOString()).toBe('2026-12-02T14:30:15.000Z');
    expect(ok({ from: '2026-12-02T14:30Z' }).from!.toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(ok({ from: '2026-12-02T23:30:00+09:00' }).from!.toISOString()).toBe('2026-12-02T14:30:00.000Z');
    expect(ok({ from: '2026-12-02T09:30:00.123456789-05:00' }).from!.toISOString()).toBe('2026-12-02T14:30:00.123Z');
    // The console takes an instant with an offset too (a link that carried one).
    expect(ok({ from: '2026-12-02T14:30:00Z' }, 'console').from!.toISOString()).toBe('2026-12-02T14:30:00.000Z');
  });

  it('refuses a naive time from the API, and impossible or malformed times everywhere', () => {
    expect(errors({ from: '2026-12-02T14:30' })).toEqual({ from: ['offset_required'] });
    expect(errors({ to: '2026-12-02 14:30:00Z' })).toEqual({ to: ['invalid_instant'] });
    expect(errors({ from: '2026-02-30T10:00' }, 'console')).toEqual({ from: ['invalid_datetime'] });
    expect(errors({ from: '2026-12-02T24:00Z' })).toEqual({ from: ['invalid_instant'] });
    expect(errors({ from: '2026-12-02T10:00+24:00' })).toEqual({ from: ['invalid_instant'] });
    expect(errors({ from: '9999-12-31T23:00-05:00' })).toEqual({ from: ['out_of_range'] });
    expect(errors({ from: '0001-01-01T05:00' }, 'console')).toEqual({ from: ['out_of_range'] });
    expect(errors({ from: '1796221800000' })).toEqual({ from: ['invalid_instant'] });
    expect(errors({ from: '2026-12-02T15:00Z', to: '2026-12-02T14:00Z' })).toEqual({ to: ['not_after_from'] });
  });

  it('shows an instant on the viewer wall clock, and the zone has the fixed offset the exports write', () => {
    expect(viewerLocalInput(new Date('2026-12-02T14:30:00Z'))).toBe('2026-12-02T23:30:00');
    for (const month of [1, 4, 7, 10]) {
      const zoned = toZoned(parseDateTime(`2026-${String(month).padStart(2, '0')}-15T12:00`), VIEWER_TIME_ZONE);
      expect(zoned.toString()).toContain(VIEWER_UTC_OFFSET);
    }
  });
});

describe('audit filter: invalid fields are errors, never dropped', () => {
  it('names each bad field', () => {
    expect(errors({ action: 'orders.bogus' })).toEqual({ action: ['unknown_action:orders.bogus'] });
    expect(errors({ action: 'DROP TABLE' })).toEqual({ action: ['unknown_action:DROP TABLE'] });
    expect(errors({ ip: '999.1.1.1' })).toEqual({ ip: ['invalid_ip'] });
    expect(errors({ ip: '10.0.0.0/33' })).toEqual({ ip: ['invalid_ip'] });
    expect(errors({ outcome: 'maybe' })).toEqual({ outcome: ['invalid_choice'] });
    expect(errors({ session: 'nope' })).toEqual({ session: ['invalid_uuid'] });
    expect(errors({ tenant: 'nope' })).toEqual({ tenant: ['invalid_uuid'] });
    expect(errors({ actor: 'x\u0000y' })).toEqual({ actor: ['invalid'] });
    expect(errors({ target: 'a'.repeat(257) })).toEqual({ target: ['too_long:256'] });
    expect(errors({ before: '99999999999999999999:1' })).toEqual({ before: ['invalid_cursor'] });
    expect(errors({ action: Array.from({ length: 21 }, (_, i) => AUDIT_ACTIONS[i]).join(',') })).toEqual({
      action: ['too_many:20'],
    });
  });

  it('refuses unknown and repeated parameters from the API; the console ignores what it does not send', () => {
    expect(errors({ acton: 'login.failed' })).toEqual({ acton: ['unknown_parameter'] });
    expect(ok({ acton: 'login.failed' }, 'console')).toEqual({});
    expect(parseAuditFilter(new URLSearchParams('ip=1.2.3.4&ip=5.6.7.8'), 'api')).toEqual({
      ok: false,
      fieldErrors: { ip: ['repeated'] },
    });
    expect(parseAuditFilter({ tenant: crypto.randomUUID() }, 'api', { without: ['tenant'] })).toMatchObject({
      ok: false,
      fieldErrors: { tenant: ['unknown_parameter'] },
    });
    expect(() => requireAuditFilter(new URLSearchParams('from=2026-12-02T14:30'))).toThrow(
      expect.objectContaining({ code: 'bad_request', fields: { from: ['offset_required'] } }),
    );
    expect(requireAuditFilter(new URLSearchParams('format=csv'), { extra: ['format'] })).toEqual({});
  });

  it('expands group.* into the group and merges repeated actions', () => {
    expect(ok({ action: 'orders.*' }).action).toEqual(AUDIT_ACTIONS.filter((a) => a.startsWith('orders.')));
    expect(ok({ action: 'orders.*' }).action).toContain('orders.exported');
    expect(ok({ action: 'orders.*' }).action).not.toContain('order.revealed');
    expect(parseAuditFilter(new URLSearchParams('action=login.failed&action=login.failed,logout'), 'api')).toEqual({
      ok: true,
      filter: { action: ['login.failed', 'logout'] },
    });
    expect(errors({ action: 'nothing.*' })).toEqual({ action: ['unknown_action:nothing.*'] });
  });

  it('treats blank fields as absent and writes the filter back in the API form', () => {
    expect(ok({ from: '', ip: ' ', action: '' }, 'console')).toEqual({});
    const filter = ok(
      { to: '2026-12-03T00:00', from: '2026-12-02T23:30', action: 'login.*', before: '1:2' },
      'console',
    );
    expect(filterParams(filter).toString()).toBe(
      `from=2026-12-02T14%3A30%3A00.000Z&to=2026-12-02T15%3A00%3A00.000Z&action=${['login.succeeded', 'login.failed', 'login.password_verified', 'login.mfa_failed', 'login.recovery_code_used'].join('%2C')}`,
    );
    expect(ok(Object.fromEntries(filterParams(filter)))).toEqual({ ...filter, before: undefined });
  });
});
