import { describe, expect, it } from 'vitest';
import { ROLES } from '@/db/schema';
import {
  CUSTOMER_DATA,
  PERMISSIONS,
  ROLE_PERMISSIONS,
  hasPermission,
  isPlatformRole,
  isSupportScope,
} from '@/lib/kernel/permissions';

describe('permission map', () => {
  it('gives every role an entry and only known permissions', () => {
    for (const role of ROLES) for (const p of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toContain(p);
  });

  it('keeps the auditor and tenant operators read-only', () => {
    const writes = PERMISSIONS.filter((p) => /write|export|reveal|manage/.test(p));
    for (const p of writes) {
      expect(hasPermission('platform_auditor', p)).toBe(false);
      expect(hasPermission('tenant_operator', p)).toBe(false);
    }
    expect(hasPermission('platform_auditor', 'audit.read')).toBe(true);
  });

  it('gives no platform role customer data: it belongs to the tenant', () => {
    for (const p of CUSTOMER_DATA) {
      expect(hasPermission('platform_admin', p)).toBe(false);
      expect(hasPermission('platform_auditor', p)).toBe(false);
      expect(hasPermission('tenant_admin', p)).toBe(true);
    }
    expect(hasPermission('tenant_operator', 'orders.read')).toBe(true);
    expect(hasPermission('tenant_operator', 'members.read')).toBe(true);
    // A grant can reach a platform admin for reading only, and never an auditor.
    expect(isSupportScope('platform_admin', 'orders.read')).toBe(true);
    expect(isSupportScope('platform_admin', 'payment_settings.reveal')).toBe(false);
    expect(isSupportScope('platform_admin', 'orders.export')).toBe(false);
    expect(isSupportScope('platform_auditor', 'orders.read')).toBe(false);
  });

  it('reserves platform-wide permissions for platform roles', () => {
    expect(hasPermission('tenant_admin', 'tenants.list')).toBe(false);
    expect(hasPermission('tenant_admin', 'tenants.write')).toBe(false);
    expect(hasPermission('platform_admin', 'tenants.write')).toBe(true);
    expect(hasPermission('tenant_admin', 'operators.write')).toBe(true);
    expect(hasPermission('tenant_operator', 'operators.read')).toBe(false);
    expect(isPlatformRole('platform_auditor')).toBe(true);
    expect(isPlatformRole('tenant_admin')).toBe(false);
  });
});
