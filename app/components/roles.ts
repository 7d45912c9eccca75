import { PLATFORM_TENANT_ID, type Role } from '@/db/schema';

/** The roles an operator of this tenant (or of the platform) may hold, lowest first. */
export const rolesFor = (tenantId: string): Role[] =>
  tenantId === PLATFORM_TENANT_ID ? ['platform_auditor', 'platform_admin'] : ['tenant_operator', 'tenant_admin'];
