'use client';
import { useActionState } from 'react';
import { useTranslations } from 'next-intl';
import { revokeSessionAction } from './actions';

export function RevokeButton({ sessionId }: { sessionId: string }) {
  const t = useTranslations('sessions');
  const [, action, pending] = useActionState(revokeSessionAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="sessionId" value={sessionId} />
      <button
        disabled={pending}
        className="rounded border border-red-300 px-3 py-1 text-sm text-red-700 hover:bg-red-50"
      >
        {t('revoke')}
      </button>
    </form>
  );
}
