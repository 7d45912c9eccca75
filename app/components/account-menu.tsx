'use client';
import { ChevronDown, CircleUserRound } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { Button, Header, Menu, MenuItem, MenuSection, MenuTrigger, Popover, Separator } from 'react-aria-components';
import { logoutAction, setLocaleAction } from '@/app/actions';

const LANGUAGES = [
  { locale: 'ja', label: '日本語' },
  { locale: 'en', label: 'English' },
] as const;

const item =
  'flex cursor-pointer items-center justify-between gap-4 rounded px-3 py-1.5 text-sm text-slate-800 outline-none data-[focused]:bg-slate-100';

/** The signed-in operator's own things: sessions, password, two-factor, language, log out. */
export function AccountMenu({
  locale,
  who,
  labels,
}: {
  locale: string;
  who: { name: string; loginId: string; role: string };
  labels: { account: string; sessions: string; password: string; mfa: string; language: string; logout: string };
}) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const setLocale = (l: string) =>
    startTransition(async () => {
      const form = new FormData();
      form.set('locale', l);
      await setLocaleAction(form);
      router.refresh();
    });
  return (
    <MenuTrigger>
      <Button
        data-testid="account-menu"
        className="flex items-center gap-1.5 rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <CircleUserRound aria-hidden size={18} />
        <span className="max-w-[10rem] truncate sm:max-w-none">{who.name}</span>
        <ChevronDown aria-hidden size={16} />
      </Button>
      <Popover placement="bottom end" className="min-w-56 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
        <Menu aria-label={labels.account} className="outline-none">
          <MenuSection>
            <Header className="px-3 py-2 text-xs text-slate-500">
              <span className="block font-mono text-slate-700">{who.loginId}</span>
              {who.role}
            </Header>
            <MenuItem className={item} href="/account/sessions">
              {labels.sessions}
            </MenuItem>
            <MenuItem className={item} href="/account/password">
              {labels.password}
            </MenuItem>
            <MenuItem className={item} href="/account/mfa">
              {labels.mfa}
            </MenuItem>
          </MenuSection>
          <Separator className="my-1 border-t border-slate-200" />
          <MenuSection aria-label={labels.language}>
            <Header className="px-3 pt-1 text-xs text-slate-500">{labels.language}</Header>
            {LANGUAGES.map((l) => (
              <MenuItem key={l.locale} className={item} lang={l.locale} onAction={() => setLocale(l.locale)}>
                {l.label}
                {locale === l.locale && <span aria-hidden>✓</span>}
              </MenuItem>
            ))}
          </MenuSection>
          <Separator className="my-1 border-t border-slate-200" />
          <MenuItem className={item} onAction={() => startTransition(() => logoutAction())}>
            {labels.logout}
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}

/** Signed out: the two languages as buttons of a form, which work without JavaScript too. */
export function LanguageSwitch({ locale, label }: { locale: string; label: string }) {
  return (
    <form action={setLocaleAction} className="flex items-center gap-1 text-sm" aria-label={label}>
      {LANGUAGES.map((l) => (
        <button
          key={l.locale}
          name="locale"
          value={l.locale}
          lang={l.locale}
          aria-pressed={locale === l.locale}
          className={`rounded px-2 py-1 ${locale === l.locale ? 'bg-slate-800 text-white' : 'text-slate-600 hover:bg-slate-100'}`}
        >
          {l.label}
        </button>
      ))}
    </form>
  );
}
