import { getTranslations } from 'next-intl/server';
import { requireAccess } from '@/lib/auth/guard';
import { countLiveSessions } from '@/lib/sessions/count-live-sessions';
import { EndAllSessionsForm } from './end-all-form';

export default async function PlatformSessionsPage() {
  const ctx = await requireAccess('app/platform/sessions/page.tsx');
  const [t, live] = await Promise.all([getTranslations('admin'), countLiveSessions(ctx)]);
  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">{t('endAllTitle')}</h1>
      <p className="text-sm text-slate-600">{t('endAllHelp')}</p>
      <p className="text-sm" data-testid="live-sessions">
        {t('liveAcross', { count: live.sessions, tenants: live.tenants })}
      </p>
      <EndAllSessionsForm liveSessions={live.sessions} tenants={live.tenants} />
    </div>
  );
}
