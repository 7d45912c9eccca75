/**
 * Login throttling policy (NIST SP 800-63B: at most 100 consecutive failures per account).
 * Pure functions; the counters live in the database so every app instance shares them.
 */
export const MAX_ACCOUNT_FAILURES = 100;
const ACCOUNT_FREE_FAILURES = 5;
const IP_FREE_FAILURES = 20;
const MAX_DELAY_MS = 15 * 60_000;
export const IP_WINDOW_MS = 60 * 60_000;

const backoff = (failures: number, free: number) =>
  failures < free ? 0 : Math.min(2 ** (failures - free) * 1000, MAX_DELAY_MS);

/** How long after the last failure the account accepts another attempt. */
export const accountDelayMs = (failures: number) => backoff(failures, ACCOUNT_FREE_FAILURES);

export const ipDelayMs = (failures: number) => backoff(failures, IP_FREE_FAILURES);

export function isAccountThrottled(failures: number, lastFailedAt: Date | null, at: Date): boolean {
  if (!lastFailedAt) return false;
  return at.getTime() < lastFailedAt.getTime() + accountDelayMs(failures);
}

export function isIpThrottled(
  row: { failures: number; windowStartedAt: Date; lastFailedAt: Date } | undefined,
  at: Date,
): boolean {
  if (!row || at.getTime() - row.windowStartedAt.getTime() > IP_WINDOW_MS) return false;
  // No delay owed means not throttled, whatever the timestamps (a row may exist for the alert
  // count alone, with no failures toward the throttle).
  const delay = ipDelayMs(row.failures);
  return delay > 0 && at.getTime() < row.lastFailedAt.getTime() + delay;
}
