import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { Crumb } from './breadcrumbs';

type Translate = (key: string) => string;

/**
 * The first crumbs of a page inside a company: the company (under "Tenants" for platform staff,
 * who may be in any of them), or the staff list for the platform's own people.
 */
export function companyTrail(
  viewer: { tenantId: string },
  tenant: { id: string; name: string },
  t: Translate,
): Crumb[] {
  if (tenant.id === PLATFORM_TENANT_ID) return [{ label: t('nav.staff'), href: '/platform/staff' }];
  const company = { label: tenant.name, href: `/t/${tenant.id}` };
  return viewer.tenantId === PLATFORM_TENANT_ID
    ? [{ label: t('nav.tenants'), href: '/platform/tenants' }, company]
    : [company];
}
