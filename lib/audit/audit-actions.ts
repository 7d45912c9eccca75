/**
 * Every action the audit trail records, grouped as docs/audit-events.md describes them
 * (catalogue.test keeps this list, that page and the code's writes in step). Filters accept
 * these names and `group.*` for all actions of a group.
 */
export const AUDIT_ACTIONS = [
  'login.succeeded',
  'login.failed',
  'login.password_verified',
  'login.mfa_failed',
  'login.recovery_code_used',
  'logout',
  'session.revoked',
  'sessions.revoked_bulk',
  'access.denied',
  'access.denied_ip',
  'access.denied_origin',
  'access.break_glass_used',
  'support_access.granted',
  'support_access.used',
  'support_access.revoked',
  'tenant.created',
  'tenant.updated',
  'tenant.suspended',
  'tenant.reactivated',
  'tenant.dormancy_updated',
  'site.added',
  'site.renamed',
  'site.closed',
  'operator.created',
  'operator.updated',
  'operator.disabled',
  'operator.enabled',
  'operator.role_changed',
  'operator.unlocked',
  'operator.password_reset',
  'password.changed',
  'password.change_failed',
  'password.change_forced',
  'password.expired',
  'password_policy.updated',
  'rotation.started',
  'rotation.extended',
  'rotation.cancelled',
  'rotation.completed_by_operator',
  'rotation.locked_after_deadline',
  'ip_allowlist.updated',
  'ip_allowlist.mode_changed',
  'ip_allowlist.break_glass_granted',
  'ip_block.added',
  'ip_block.lifted',
  'compromise.declared',
  'compromise.applied',
  'compromise.ended',
  'incident.opened',
  'incident.pivot_added',
  'incident.closed',
  'mfa.enrolled',
  'mfa.recovery_codes_generated',
  'mfa.reset',
  'mfa.disabled',
  'mfa.policy_updated',
  'stepup.succeeded',
  'stepup.failed',
  'audit.export_started',
  'audit.exported',
  'audit.export_aborted',
  'audit.verified',
  'audit.searched_across',
  'keys.rotated',
  'api_token.created',
  'api_token.revoked',
  'api_token.used',
  'payment_settings.updated',
  'payment_settings.revealed',
  'members.listed',
  'orders.listed',
  'member.revealed',
  'order.revealed',
  'audit.pruned',
  'alert.raised',
  'alert.acknowledged',
  'alert_webhook.updated',
  'audit_stream.created',
  'audit_stream.paused',
  'audit_stream.resumed',
  'audit_stream.tested',
  'audit_stream.removed',
  'orders.export_requested',
  'orders.export_approved',
  'orders.export_rejected',
  'orders.export_started',
  'orders.exported',
  'orders.export_aborted',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const KNOWN = new Set<string>(AUDIT_ACTIONS);

export const isAuditAction = (name: string): name is AuditAction => KNOWN.has(name);

/** The part before the first dot: `orders` for `orders.exported`, `logout` for `logout`. */
export const actionGroup = (name: string) => name.split('.')[0];

/**
 * Expands one term of an action filter: a known action as it is, `group.*` into every action of
 * the group; null when the term names nothing.
 */
export function expandActionTerm(term: string): AuditAction[] | null {
  if (term.endsWith('.*')) {
    const group = term.slice(0, -2);
    const matches = AUDIT_ACTIONS.filter((a) => actionGroup(a) === group);
    return matches.length > 0 ? matches : null;
  }
  return isAuditAction(term) ? [term] : null;
}
