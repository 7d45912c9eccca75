import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { EndAllSessionsForm } from './end-all-form';

export default async function PlatformSessionsPage() {
  await requireAccess('app/platform/sessions/page.tsx');
  const t = await getTranslations('admin');
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">{t('endAllTitle')}</h1>
      <p className="text-sm text-slate-600">{t('endAllHelp')}</p>
      <EndAllSessionsForm />
    </div>
  );
}
