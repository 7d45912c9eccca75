/**
 * How a company's posture score is made: 100, less these points (proportional ones in
 * proportion to the operators concerned), never below 0. The reasons name each deduction.
 */
export const POSTURE_WEIGHTS = {
  /** Operators without TOTP, in proportion. */
  totp: 30,
  /** TOTP users without an unused recovery code, in proportion. */
  recovery: 5,
  /** Operators who have not set a new password since the last campaign or compromise, in proportion. */
  renewal: 15,
  /** No IP allowlist for the company, or one only monitoring. */
  allowlistNone: 15,
  allowlistMonitor: 8,
  /** Operators without a sign-in for STALE_DAYS, in proportion. */
  dormant: 10,
  /** Each open alert, up to alertsMax. */
  alertEach: 5,
  alertsMax: 15,
  /** Live API tokens older than STALE_DAYS. */
  oldTokens: 5,
  /** The alert webhook's last delivery failed. */
  webhook: 5,
} as const;

/** "No sign-in for", "older than": 90 days. */
export const STALE_DAYS = 90;

export const POSTURE_REASONS = [
  'totp',
  'recovery',
  'renewal',
  'allowlist_none',
  'allowlist_monitor',
  'dormant',
  'alerts',
  'old_tokens',
  'webhook',
] as const;
export type PostureReason = (typeof POSTURE_REASONS)[number];
