import type { Role } from '@/db/schema';

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
  'orders.export',
  'payment_settings.read',
  'payment_settings.reveal',
  'payment_settings.write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ONLY: Permission[] = ['tenant.read', 'operators.read', 'audit.read', 'orders.read', 'payment_settings.read'];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  platform_admin: new Set(PERMISSIONS),
  platform_auditor: new Set<Permission>([...READ_ONLY, 'tenants.list']),
  tenant_admin: new Set<Permission>([
    ...READ_ONLY,
    'operators.write',
    'sessions.manage',
    'security.write',
    'orders.export',
    'payment_settings.reveal',
    'payment_settings.write',
  ]),
  tenant_operator: new Set<Permission>(['tenant.read', 'orders.read']),
};

export const isPlatformRole = (role: Role) => role === 'platform_admin' || role === 'platform_auditor';

export const hasPermission = (role: Role, permission: Permission) => ROLE_PERMISSIONS[role].has(permission);
