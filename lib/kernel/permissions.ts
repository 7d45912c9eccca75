import type { Role, SupportScope } from '@/db/schema';

/**
 * What each role may do. Platform roles act across tenants; tenant roles only inside their own
 * tenant (the guard checks membership before it looks here).
 */
export const PERMISSIONS = [
  'tenant.read',
  'tenants.list',
  'tenants.write',
  'operators.read',
  'operators.write',
  'sessions.manage',
  'security.write',
  'audit.read',
  'orders.read',
  'members.read',
  'orders.export',
  'payment_settings.read',
  'payment_settings.reveal',
  'payment_settings.write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/**
 * A tenant's customer data (its shops' orders, members, exports and payment settings). It belongs
 * to the tenant: no platform role holds these; platform support reads what a tenant admin grants
 * (see lib/support), never more than SUPPORT_SCOPES.
 */
export const CUSTOMER_DATA: ReadonlySet<Permission> = new Set<Permission>([
  'orders.read',
  'members.read',
  'orders.export',
  'payment_settings.read',
  'payment_settings.reveal',
  'payment_settings.write',
]);

const TENANT_READ: Permission[] = [
  'tenant.read',
  'operators.read',
  'audit.read',
  'orders.read',
  'members.read',
  'payment_settings.read',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  platform_admin: new Set(PERMISSIONS.filter((p) => !CUSTOMER_DATA.has(p))),
  // Audit, posture and settings only: never customer personal data, not even by a grant.
  platform_auditor: new Set<Permission>(['tenant.read', 'operators.read', 'audit.read', 'tenants.list']),
  tenant_admin: new Set<Permission>([
    ...TENANT_READ,
    'operators.write',
    'sessions.manage',
    'security.write',
    'orders.export',
    'payment_settings.reveal',
    'payment_settings.write',
  ]),
  tenant_operator: new Set<Permission>(['tenant.read', 'orders.read', 'members.read']),
};

export const isPlatformRole = (role: Role) => role === 'platform_admin' || role === 'platform_auditor';

export const hasPermission = (role: Role, permission: Permission) => ROLE_PERMISSIONS[role].has(permission);

/** Whether a grant could ever cover this role and permission: platform admins, and the support scopes. */
export const isSupportScope = (role: Role, permission: Permission): permission is SupportScope =>
  role === 'platform_admin' &&
  (permission === 'orders.read' || permission === 'members.read' || permission === 'payment_settings.read');

/**
 * Whether this request may use `permission` on `tenantId`: by role in its own tenant (platform
 * roles in any), or through the support grant the guard found for it. Asked by the guard only:
 * lib takes the access value the guard made from it.
 */
export function mayAct(
  viewer: { role: Role; tenantId: string; support?: { tenantId: string; scopes: readonly string[] } },
  tenantId: string,
  permission: Permission,
): boolean {
  const member = isPlatformRole(viewer.role) || viewer.tenantId === tenantId;
  if (member && hasPermission(viewer.role, permission)) return true;
  return viewer.support?.tenantId === tenantId && viewer.support.scopes.includes(permission);
}
