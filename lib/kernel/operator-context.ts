import type { Role, SupportScope } from '@/db/schema';

/**
 * The signed-in operator as the guard hands it to every domain: types only, so any part of lib/
 * can take one without importing the session code that makes it.
 */
export interface OperatorContext {
  sessionId: string;
  operatorId: string;
  tenantId: string;
  loginId: string;
  displayName: string;
  role: Role;
  tenant: { id: string; code: string; name: string; kind: 'platform' | 'tenant' };
  mustChangePassword: boolean;
  /** TOTP is active for this operator. */
  totpEnrolled: boolean;
  /** Platform staff, or a tenant requiring TOTP past its grace period, without TOTP yet. */
  mustEnrollMfa: boolean;
  /** The deadline to enroll TOTP, while a tenant's grace period still runs for this operator; else null. */
  mfaEnrollBy: Date | null;
  /** When a second factor was last verified on this session (for step-up). */
  mfaVerifiedAt: Date | null;
  previousLogin: { at: Date | null; ip: string | null };
  ip: string;
  userAgent: string | null;
  /** Set by the guard when this request reads a tenant's customer data under a support grant. */
  support?: SupportUse;
  /** Set by the action wrapper when the action is taken for an open incident (its audit event says so). */
  incident?: IncidentUse;
}

/** The open incident an action is taken for, and whose it is (the tenant's own, or the platform's). */
export interface IncidentUse {
  ownerTenantId: string;
  id: string;
}

/** An active grant's use on this request, kept on the context the guard hands to lib. */
export interface SupportUse {
  tenantId: string;
  grantId: string;
  scopes: SupportScope[];
}
