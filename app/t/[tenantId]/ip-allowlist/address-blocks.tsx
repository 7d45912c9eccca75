import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import type { listAddressBlocks } from '@/lib/allowlists/list-address-blocks';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { BlockAddressForm, LiftBlockForm } from './block-forms';

type Blocks = Awaited<ReturnType<typeof listAddressBlocks>>;

/** The owner's blocked addresses: the form, then live blocks, then those ended in 30 days. */
export async function AddressBlocks({ tenantId, blocks }: { tenantId: string; blocks: Blocks }) {
  const [t, locale] = await Promise.all([getTranslations('ipBlocks'), getLocale() as Promise<Locale>]);
  const state = (b: Blocks[number]) =>
    b.live ? t('state.live') : b.liftedAt ? t('state.lifted', { by: b.liftedByLoginId ?? '' }) : t('state.expired');
  return (
    <section aria-labelledby="blocks-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="blocks-title" className="text-lg font-semibold">
        {t('title')}
      </h2>
      <p className="max-w-3xl text-sm text-slate-600">
        {tenantId === PLATFORM_TENANT_ID ? t('introPlatform') : t('introTenant')}
      </p>
      <BlockAddressForm tenantId={tenantId} />
      <div className="overflow-x-auto">
        <table className="w-full text-sm" data-testid="blocks">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">{t('columns.cidr')}</th>
              <th className="px-3 py-2">{t('columns.until')}</th>
              <th className="px-3 py-2">{t('columns.reason')}</th>
              <th className="px-3 py-2">{t('columns.by')}</th>
              <th className="px-3 py-2">{t('columns.state')}</th>
            </tr>
          </thead>
          <tbody>
            {blocks.map((b) => (
              <tr key={b.id} className="border-t border-slate-100 align-top" data-testid="block-row">
                <td className="px-3 py-2 font-mono">{b.cidr}</td>
                <td className="px-3 py-2 whitespace-nowrap">{formatJst(b.liftedAt ?? b.expiresAt, locale)}</td>
                <td className="px-3 py-2">{b.reason}</td>
                <td className="px-3 py-2">
                  {b.createdByLoginId}
                  <div className="text-xs text-slate-500">{formatJst(b.createdAt, locale)}</div>
                </td>
                <td className="px-3 py-2">
                  {b.live ? (
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="rounded bg-red-50 px-2 py-0.5 text-red-800">{state(b)}</span>
                      <LiftBlockForm tenantId={tenantId} blockId={b.id} cidr={b.cidr} />
                    </div>
                  ) : (
                    <span className="text-slate-600">{state(b)}</span>
                  )}
                </td>
              </tr>
            ))}
            {blocks.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-4 text-center text-slate-500">
                  {t('empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
