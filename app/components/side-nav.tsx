'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavGroup {
  label: string;
  links: { href: string; label: string; exact: boolean }[];
}

const isCurrent = (pathname: string, href: string, exact: boolean) =>
  exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);

/** The sidebar: groups by task, the current page marked for eyes and for screen readers. */
export function SideNav({ groups, label, onNavigate }: { groups: NavGroup[]; label: string; onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className="space-y-5 text-sm">
      {groups.map((g) => (
        <div key={g.label}>
          <h2 className="mb-1 px-2 text-xs font-semibold tracking-wide text-slate-500">{g.label}</h2>
          <ul className="space-y-0.5">
            {g.links.map((l) => {
              const current = isCurrent(pathname, l.href, l.exact);
              return (
                <li key={l.href}>
                  <Link
                    href={l.href}
                    onClick={onNavigate}
                    aria-current={current ? 'page' : undefined}
                    className={`block rounded px-2 py-1.5 ${
                      current
                        ? 'bg-brand-600 font-medium text-white'
                        : 'text-slate-700 hover:bg-slate-100 hover:text-slate-900'
                    }`}
                  >
                    {l.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
