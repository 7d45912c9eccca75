import type { ApiScope } from '@/db/schema';
import type { Permission } from '@/lib/kernel/permissions';

/**
 * Who may call each page, route handler and server action, and whether it needs a second factor
 * verified in the last few minutes. The guard, withAction and withRoute read only this; an entry
 * point names its own key (its file, and its export for routes and actions), and a test holds
 * the table and the files on disk to each other. Tenant entries act on the `tenantId` of the
 * route or the action's input.
 */
export type AccessRule =
  | { readonly who: 'anyone'; readonly why: string }
  | {
      readonly who: 'operator';
      /** The change-password page is the one place an operator with a temporary password may use. */
      readonly allowMustChangePassword?: true;
      /** The TOTP enrollment pages are the one place an operator who must enroll may use. */
      readonly allowMustEnrollMfa?: true;
      readonly stepUp?: true;
    }
  | { readonly who: 'tenant'; readonly permission: Permission; readonly stepUp?: true }
  | { readonly who: 'platform'; readonly permission: Permission; readonly stepUp?: true }
  | {
      readonly who: 'token';
      readonly scope: ApiScope;
      /** A platform token's route: it acts on the tenant its path names (or the platform), any tenant. */
      readonly platform?: true;
    };

const T = 'app/t/[tenantId]';
const SITE = `${T}/sites/[siteId]`;
const API = 'app/api/v1/tenants/[tenantId]';

export const ACCESS = {
  // Open to anyone, each with why.
  'app/login/page.tsx': { who: 'anyone', why: 'the sign-in form' },
  'app/login/verify/page.tsx': { who: 'anyone', why: 'the second step of sign-in, bound to its challenge cookie' },
  'app/login/blocked/page.tsx': { who: 'anyone', why: 'tells a refused address why; shows nothing of an account' },
  'app/login/actions.ts loginAction': { who: 'anyone', why: 'signing in' },
  'app/login/actions.ts verifyCodeAction': { who: 'anyone', why: 'the second step of signing in' },
  'app/actions.ts logoutAction': { who: 'anyone', why: 'ends the caller’s own session, if any' },
  'app/actions.ts setLocaleAction': { who: 'anyone', why: 'sets the language cookie' },
  'app/api/health/route.ts GET': { who: 'anyone', why: 'liveness, no data' },
  'app/api/health/live/route.ts GET': { who: 'anyone', why: 'liveness for a load balancer, no data' },
  'app/api/health/ready/route.ts GET': {
    who: 'anyone',
    why: 'readiness for a load balancer: which checks pass (database, migrations, signer), no data',
  },
  'app/api/v1/openapi.json/route.ts GET': { who: 'anyone', why: 'the public API description' },

  // One's own account.
  'app/page.tsx': { who: 'operator' },
  'app/actions.ts stepUpAction': { who: 'operator' },
  'app/api/v1/me/route.ts GET': { who: 'operator' },
  'app/account/password/page.tsx': { who: 'operator', allowMustChangePassword: true, allowMustEnrollMfa: true },
  'app/account/password/actions.ts changePasswordAction': {
    who: 'operator',
    allowMustChangePassword: true,
    allowMustEnrollMfa: true,
  },
  'app/account/mfa/page.tsx': { who: 'operator', allowMustEnrollMfa: true },
  'app/account/mfa/actions.ts startEnrollmentAction': { who: 'operator', allowMustEnrollMfa: true },
  'app/account/mfa/actions.ts confirmEnrollmentAction': { who: 'operator', allowMustEnrollMfa: true },
  'app/account/mfa/actions.ts regenerateCodesAction': { who: 'operator', stepUp: true },
  // Asks for the current code itself: a stolen session alone cannot remove the second factor.
  'app/account/mfa/actions.ts disableTotpAction': { who: 'operator' },
  'app/account/sessions/page.tsx': { who: 'operator' },
  'app/account/sessions/actions.ts revokeSessionAction': { who: 'operator' },

  // The platform.
  'app/platform/tenants/page.tsx': { who: 'platform', permission: 'tenants.list' },
  'app/platform/posture/page.tsx': { who: 'platform', permission: 'tenants.list' },
  'app/api/v1/posture/route.ts GET': { who: 'platform', permission: 'tenants.list' },
  'app/platform/tenants/new/page.tsx': { who: 'platform', permission: 'tenants.write' },
  'app/platform/tenants/new/actions.ts createTenantAction': { who: 'platform', permission: 'tenants.write' },
  'app/platform/staff/page.tsx': { who: 'platform', permission: 'operators.read' },
  'app/platform/sessions/page.tsx': { who: 'platform', permission: 'sessions.manage' },
  'app/platform/sessions/actions.ts endAllSessionsAction': {
    who: 'platform',
    permission: 'sessions.manage',
    stepUp: true,
  },

  // A tenant: its overview, operators, sessions and shops.
  [`${T}/page.tsx`]: { who: 'tenant', permission: 'tenant.read' },
  'app/actions.ts acknowledgeAlertAction': { who: 'tenant', permission: 'security.write' },
  'app/actions.ts containKnownPasswordAction': { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/operators/new/page.tsx`]: { who: 'tenant', permission: 'operators.write' },
  [`${T}/operators/[operatorId]/page.tsx`]: { who: 'tenant', permission: 'operators.write' },
  [`${T}/actions.ts createOperatorAction`]: { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/actions.ts updateOperatorAction`]: { who: 'tenant', permission: 'operators.write' },
  [`${T}/actions.ts setOperatorStatusAction`]: { who: 'tenant', permission: 'operators.write' },
  [`${T}/actions.ts changeOperatorRoleAction`]: { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/actions.ts forcePasswordChangeAction`]: { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/actions.ts resetMfaAction`]: { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/actions.ts unlockOperatorAction`]: { who: 'tenant', permission: 'operators.write' },
  [`${T}/actions.ts resetOperatorPasswordAction`]: { who: 'tenant', permission: 'operators.write', stepUp: true },
  [`${T}/actions.ts endOperatorSessionsAction`]: { who: 'tenant', permission: 'sessions.manage', stepUp: true },
  [`${T}/actions.ts endSessionAction`]: { who: 'tenant', permission: 'sessions.manage', stepUp: true },
  [`${T}/actions.ts endTenantSessionsAction`]: { who: 'tenant', permission: 'sessions.manage', stepUp: true },
  [`${T}/actions.ts updateTenantAction`]: { who: 'tenant', permission: 'tenants.write' },
  [`${T}/actions.ts setTenantStatusAction`]: { who: 'tenant', permission: 'tenants.write', stepUp: true },
  [`${T}/actions.ts addSiteAction`]: { who: 'tenant', permission: 'tenants.write' },
  [`${T}/actions.ts renameSiteAction`]: { who: 'tenant', permission: 'tenants.write' },
  [`${T}/actions.ts closeSiteAction`]: { who: 'tenant', permission: 'tenants.write' },
  'app/api/v1/tenants/[tenantId]/route.ts GET': { who: 'tenant', permission: 'tenant.read' },

  // A tenant's security settings.
  [`${T}/security/page.tsx`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/security/actions.ts updatePasswordSettingsAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/security/actions.ts setTotpPolicyAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/security/actions.ts setDormancyPeriodAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/security/actions.ts setAlertWebhookAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/security/actions.ts grantSupportAccessAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/security/actions.ts revokeSupportAccessAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/ip-allowlist/page.tsx`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/ip-allowlist/actions.ts saveIpAllowlistAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/ip-allowlist/actions.ts setIpAllowlistModeAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/ip-allowlist/actions.ts checkIpAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/ip-allowlist/actions.ts blockAddressAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/ip-allowlist/actions.ts liftAddressBlockAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/ip-allowlist/actions.ts grantBreakGlassAction`]: {
    who: 'platform',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/incidents/page.tsx`]: { who: 'tenant', permission: 'audit.read' },
  [`${T}/incidents/[incidentId]/page.tsx`]: { who: 'tenant', permission: 'audit.read' },
  [`${T}/incidents/actions.ts openIncidentAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/incidents/actions.ts addIncidentPivotAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/incidents/actions.ts closeIncidentAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/compromise/page.tsx`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/compromise/actions.ts declareCompromiseAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/compromise/actions.ts endCompromiseAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  // Audit streams to a SIEM (platform staff: the platform's own chain, tenant zero).
  [`${T}/audit-streams/page.tsx`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/audit-streams/actions.ts createStreamAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/audit-streams/actions.ts setStreamStatusAction`]: {
    who: 'tenant',
    permission: 'security.write',
    stepUp: true,
  },
  [`${T}/audit-streams/actions.ts testStreamAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/audit-streams/actions.ts removeStreamAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/api-tokens/page.tsx`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/api-tokens/actions.ts createTokenAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/api-tokens/actions.ts revokeTokenAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/rotation/page.tsx`]: { who: 'tenant', permission: 'operators.read' },
  [`${T}/rotation/[campaignId]/page.tsx`]: { who: 'tenant', permission: 'operators.read' },
  [`${T}/rotation/actions.ts previewCampaignAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/rotation/actions.ts startCampaignAction`]: { who: 'tenant', permission: 'security.write', stepUp: true },
  [`${T}/rotation/actions.ts extendCampaignAction`]: { who: 'tenant', permission: 'security.write' },
  [`${T}/rotation/actions.ts cancelCampaignAction`]: { who: 'tenant', permission: 'security.write' },
  'app/api/v1/tenants/[tenantId]/rotation-campaigns/[campaignId]/report/route.ts GET': {
    who: 'tenant',
    permission: 'operators.read',
  },

  // A tenant's audit trail.
  [`${T}/audit/page.tsx`]: { who: 'tenant', permission: 'audit.read' },
  [`${T}/audit/actions.ts verifyChainAction`]: { who: 'tenant', permission: 'audit.read' },
  [`${T}/audit/report/page.tsx`]: { who: 'tenant', permission: 'audit.read' },
  'app/api/v1/tenants/[tenantId]/audit/bundle/route.ts GET': { who: 'tenant', permission: 'audit.read' },
  'app/api/v1/tenants/[tenantId]/audit/export/route.ts GET': { who: 'tenant', permission: 'audit.read' },
  'app/api/v1/tenants/[tenantId]/audit/blast-radius/route.ts GET': { who: 'tenant', permission: 'audit.read' },
  'app/api/v1/audit-events/route.ts GET': { who: 'token', scope: 'audit:read' },

  // The admin API: bearer tokens, each call on the token's own tenant with one of its scopes.
  [`${API}/operators/route.ts GET`]: { who: 'token', scope: 'operators:read' },
  [`${API}/operators/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/route.ts GET`]: { who: 'token', scope: 'operators:read' },
  [`${API}/operators/[operatorId]/route.ts PATCH`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/disable/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/enable/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/unlock/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/force-password-change/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/reset-totp/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/operators/[operatorId]/end-sessions/route.ts POST`]: { who: 'token', scope: 'operators:write' },
  [`${API}/ip-allowlist/route.ts GET`]: { who: 'token', scope: 'allowlist:read' },
  [`${API}/ip-allowlist/route.ts PUT`]: { who: 'token', scope: 'allowlist:write' },
  [`${API}/password-policy/route.ts GET`]: { who: 'token', scope: 'policy:read' },
  [`${API}/password-policy/route.ts PUT`]: { who: 'token', scope: 'policy:write' },
  [`${API}/totp-policy/route.ts GET`]: { who: 'token', scope: 'policy:read' },
  [`${API}/totp-policy/route.ts PUT`]: { who: 'token', scope: 'policy:write' },
  [`${API}/rotation-campaigns/route.ts GET`]: { who: 'token', scope: 'rotation:read' },
  [`${API}/rotation-campaigns/route.ts POST`]: { who: 'token', scope: 'rotation:write' },
  [`${API}/rotation-campaigns/[campaignId]/route.ts GET`]: { who: 'token', scope: 'rotation:read' },
  [`${API}/rotation-campaigns/[campaignId]/operators/route.ts GET`]: { who: 'token', scope: 'rotation:read' },
  [`${API}/rotation-campaigns/[campaignId]/extend/route.ts POST`]: { who: 'token', scope: 'rotation:write' },
  [`${API}/rotation-campaigns/[campaignId]/cancel/route.ts POST`]: { who: 'token', scope: 'rotation:write' },
  [`${API}/alerts/route.ts GET`]: { who: 'token', scope: 'alerts:read' },
  [`${API}/alerts/[alertId]/acknowledge/route.ts POST`]: { who: 'token', scope: 'alerts:write' },
  'app/api/v1/tenants/route.ts GET': { who: 'token', scope: 'tenants:read', platform: true },
  'app/api/v1/tenants/route.ts POST': { who: 'token', scope: 'tenants:write', platform: true },
  [`${API}/suspend/route.ts POST`]: { who: 'token', scope: 'tenants:write', platform: true },
  [`${API}/reactivate/route.ts POST`]: { who: 'token', scope: 'tenants:write', platform: true },

  // A shop's customer data.
  [`${SITE}/orders/page.tsx`]: { who: 'tenant', permission: 'orders.read' },
  [`${SITE}/orders/actions.ts revealOrderAction`]: { who: 'tenant', permission: 'orders.read' },
  [`${SITE}/members/page.tsx`]: { who: 'tenant', permission: 'members.read' },
  [`${SITE}/members/actions.ts revealMemberAction`]: { who: 'tenant', permission: 'members.read' },
  [`${SITE}/export/page.tsx`]: { who: 'tenant', permission: 'orders.export' },
  [`${SITE}/export/actions.ts previewExportAction`]: { who: 'tenant', permission: 'orders.export' },
  [`${SITE}/export/actions.ts requestExportAction`]: { who: 'tenant', permission: 'orders.export', stepUp: true },
  [`${SITE}/export/actions.ts decideExportAction`]: { who: 'tenant', permission: 'orders.export', stepUp: true },
  [`${SITE}/export/actions.ts startDownloadAction`]: { who: 'tenant', permission: 'orders.export', stepUp: true },
  'app/api/v1/tenants/[tenantId]/order-exports/[exportId]/download/route.ts GET': {
    who: 'tenant',
    permission: 'orders.export',
    stepUp: true,
  },
  [`${SITE}/payment/page.tsx`]: { who: 'tenant', permission: 'payment_settings.read' },
  [`${SITE}/payment/actions.ts revealSecretAction`]: {
    who: 'tenant',
    permission: 'payment_settings.reveal',
    stepUp: true,
  },
  [`${SITE}/payment/actions.ts updatePaymentSettingsAction`]: {
    who: 'tenant',
    permission: 'payment_settings.write',
    stepUp: true,
  },
} as const satisfies Record<string, AccessRule>;

export type Entry = keyof typeof ACCESS;
export type RuleOf<E extends Entry> = (typeof ACCESS)[E];
