import { redirect } from 'next/navigation';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { requireAccess } from '@/lib/auth/guard';

/** Platform staff are the operators of the platform's own tenant row. */
export default async function StaffPage() {
  await requireAccess('app/platform/staff/page.tsx');
  redirect(`/t/${PLATFORM_TENANT_ID}`);
}
