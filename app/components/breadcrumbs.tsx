import Link from 'next/link';
import { ChevronRight } from 'lucide-react';
import { getTranslations } from 'next-intl/server';

export type Crumb = { label: string; href?: string };

/** Where a nested page sits: its parents as links, the page itself marked as current. */
export async function Breadcrumbs({ trail }: { trail: Crumb[] }) {
  const t = await getTranslations('nav');
  return (
    <nav aria-label={t('breadcrumbs')} className="text-sm" data-testid="breadcrumbs">
      <ol className="flex flex-wrap items-center gap-1 text-slate-600">
        {trail.map((crumb, i) => {
          const last = i === trail.length - 1;
          return (
            <li key={`${i}-${crumb.label}`} className="flex min-w-0 items-center gap-1">
              {i > 0 && <ChevronRight aria-hidden size={14} className="shrink-0 text-slate-400" />}
              {crumb.href && !last ? (
                <Link className="text-brand-600 underline-offset-2 hover:underline" href={crumb.href}>
                  {crumb.label}
                </Link>
              ) : (
                <span aria-current={last ? 'page' : undefined} className="break-words">
                  {crumb.label}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
