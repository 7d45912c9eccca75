import type { AuditFilter } from '@/lib/audit/audit-filter';
import { measureBlastRadius, measureBlastRadiusAcrossTenants } from '@/lib/audit/measure-blast-radius';
import type { PlatformAccess, TenantAccess } from '@/lib/kernel/access';
import { BlastRadius } from './blast-radius';

/**
 * What a pivot touched, measured where it renders: under its own Suspense boundary the audit
 * page shows its search and count first, and this streams in once every matching event is counted.
 */
export async function MeasuredBlastRadius({
  filter,
  chainAccess,
  acrossAccess,
  csvHref,
  reportHref,
}: {
  filter: AuditFilter;
  /** The searched chain; ignored when acrossAccess is given. */
  chainAccess: TenantAccess<'audit.read'>;
  /** Platform staff's search across every tenant. */
  acrossAccess: PlatformAccess<'audit.read'> | null;
  csvHref: string;
  reportHref: string;
}) {
  const radius = acrossAccess
    ? await measureBlastRadiusAcrossTenants(acrossAccess, filter)
    : await measureBlastRadius(chainAccess, filter);
  return <BlastRadius radius={radius} across={Boolean(acrossAccess)} csvHref={csvHref} reportHref={reportHref} />;
}

/** Shown while the blast radius is counted: the section's heading and a status. */
export function BlastRadiusPending({ title, status }: { title: string; status: string }) {
  return (
    <section
      aria-labelledby="radius-pending-title"
      aria-busy="true"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
      data-testid="blast-radius-pending"
    >
      <h2 id="radius-pending-title" className="font-medium">
        {title}
      </h2>
      <p role="status" className="text-xs text-slate-600">
        {status}
      </p>
    </section>
  );
}
