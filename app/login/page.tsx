import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { currentOperator } from '@/lib/auth/guard';
import { LoginForm } from './login-form';

export default async function LoginPage() {
  if (await currentOperator()) redirect('/');
  const t = await getTranslations('login');
  return (
    <div className="mx-auto mt-12 max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-6 text-xl font-semibold">{t('title')}</h1>
      <LoginForm />
      <p className="mt-6 text-xs text-slate-500">{t('hint')}</p>
    </div>
  );
}
