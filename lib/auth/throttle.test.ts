import { describe, expect, it } from 'vitest';
import { MAX_ACCOUNT_FAILURES, accountDelayMs, ipDelayMs, isAccountThrottled, isIpThrottled } from './throttle';

describe('throttle policy', () => {
  it('lets the first failures through, then backs off exponentially up to 15 minutes', () => {
    expect(accountDelayMs(4)).toBe(0);
    expect(accountDelayMs(5)).toBe(1000);
    expect(accountDelayMs(6)).toBe(2000);
    expect(accountDelayMs(10)).toBe(32_000);
    expect(accountDelayMs(99)).toBe(15 * 60_000);
    expect(ipDelayMs(19)).toBe(0);
    expect(ipDelayMs(21)).toBe(2000);
    expect(MAX_ACCOUNT_FAILURES).toBe(100);
  });

  it('throttles an account until the back-off after its last failure has passed', () => {
    const last = new Date('2026-11-25T00:00:00Z');
    expect(isAccountThrottled(6, last, new Date(last.getTime() + 1999))).toBe(true);
    expect(isAccountThrottled(6, last, new Date(last.getTime() + 2000))).toBe(false);
    expect(isAccountThrottled(3, last, last)).toBe(false);
    expect(isAccountThrottled(6, null, last)).toBe(false);
  });

  it('forgets an address after its window', () => {
    const start = new Date('2026-11-25T00:00:00Z');
    const row = { failures: 25, windowStartedAt: start, lastFailedAt: new Date(start.getTime() + 60_000) };
    expect(isIpThrottled(row, new Date(start.getTime() + 61_000))).toBe(true);
    expect(isIpThrottled(row, new Date(start.getTime() + 2 * 3_600_000))).toBe(false);
    expect(isIpThrottled(undefined, start)).toBe(false);
  });
});
