import { getLocale, getTranslations } from 'next-intl/server';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { UUID } from '@/db';
import { alsoOn, linksOn } from '@/lib/auth/guard';
import type { TenantAccess } from '@/lib/kernel/access';
import { formatJst, type Locale } from '@/lib/i18n/locale';
import { cidrContains, parseCidr, parseIp } from '@/lib/ip/ip';
import { getSession } from '@/lib/sessions/get-session';
import { getOperator } from '@/lib/tenancy/list-operators';
import { EndSessionForm, EndSessionsForm, StatusForm } from '../forms';
import { BlockAddressConfirm } from '../ip-allowlist/block-forms';
import { RevokeTokenForm } from '../api-tokens/forms';
import { listApiTokens } from '@/lib/api/list-api-tokens';

/**
 * What a pivot can contain, beside what it shows: the session (end it), the operator (end their
 * sessions, disable them) or the address (block it: for this company, or platform-wide for
 * platform staff). Each button shows only to those who may use it; the guard decides again.
 */
export async function ContainPanel({
  access,
  pivot,
  value,
}: {
  /** The viewer's access on the chain being searched. */
  access: TenantAccess<'audit.read'>;
  pivot: 'session' | 'actor' | 'ip' | 'target';
  value: string;
}) {
  const tenantId = access.granted.tenantId;
  const platform = tenantId === PLATFORM_TENANT_ID || access.tenantId === PLATFORM_TENANT_ID;
  // Platform staff block for everyone; a company's admin for their own operators and tokens.
  const blockOwner = platform ? PLATFORM_TENANT_ID : tenantId;
  const [t, locale, may] = await Promise.all([
    getTranslations('audit.contain'),
    getLocale() as Promise<Locale>,
    linksOn(access, ['security.write', 'sessions.manage', 'operators.write', 'operators.read'] as const),
  ]);
  const session = pivot === 'session' ? await getSession(access, value) : null;
  const reader = alsoOn(access, 'operators.read');
  const operator = pivot === 'actor' && UUID.test(value) && reader ? await getOperator(reader, value) : null;
  const writer = alsoOn(access, 'security.write');
  const token =
    pivot === 'target' && UUID.test(value) && writer
      ? (await listApiTokens(writer)).find((k) => k.id === value && !k.revokedAt)
      : undefined;
  // Blocking one's own address would lock the blocker out: the server refuses it, so it is not offered.
  const pivotRange = pivot === 'ip' ? parseCidr(value) : null;
  const viewer = parseIp(access.ip);
  const ownAddress = Boolean(pivotRange?.ok && viewer && cidrContains(pivotRange.cidr, viewer));
  const parts: React.ReactNode[] = [];
  if (token) {
    parts.push(
      <div key="token" className="space-y-1">
        <p data-testid="pivot-token">{t('token', { name: token.name })}</p>
        <RevokeTokenForm tenantId={tenantId} tokenId={token.id} />
      </div>,
    );
  }
  if (pivot === 'ip' && may.has('security.write')) {
    parts.push(
      <div key="ip" className="space-y-1">
        <p>{t('address', { cidr: value })}</p>
        {ownAddress ? (
          <p className="text-slate-700" data-testid="pivot-own-address">
            {t('ownAddress', { ip: access.ip })}
          </p>
        ) : (
          <BlockAddressConfirm tenantId={blockOwner} cidr={value} who={platform ? null : access.tenant.name} />
        )}
      </div>,
    );
  }
  if (session) {
    parts.push(
      <div key="session" className="space-y-1">
        <p data-testid="pivot-session" role="status">
          {t('session', {
            name: session.displayName,
            loginId: session.loginId,
            at: formatJst(session.createdAt, locale),
            ip: session.ip ?? '—',
          })}{' '}
          <strong>{session.live ? t('sessionLive') : t('sessionEnded')}</strong>
        </p>
        {session.live && may.has('sessions.manage') && session.id !== access.sessionId && (
          <EndSessionForm tenantId={tenantId} sessionId={session.id} loginId={session.loginId} />
        )}
      </div>,
    );
  }
  if (operator) {
    parts.push(
      <div key="operator" className="space-y-1">
        <p data-testid="pivot-operator">
          {t('operator', { name: operator.displayName, loginId: operator.loginId, count: operator.liveSessions })}
        </p>
        <div className="flex flex-wrap gap-2">
          {may.has('sessions.manage') && operator.liveSessions > 0 && operator.id !== access.operatorId && (
            <EndSessionsForm
              tenantId={tenantId}
              operatorId={operator.id}
              name={operator.displayName}
              liveSessions={operator.liveSessions}
            />
          )}
          {may.has('operators.write') && operator.status === 'active' && operator.id !== access.operatorId && (
            <StatusForm
              tenantId={tenantId}
              operatorId={operator.id}
              name={operator.displayName}
              status="active"
              liveSessions={operator.liveSessions}
            />
          )}
        </div>
      </div>,
    );
  }
  if (parts.length === 0) return null;
  return (
    <section
      aria-labelledby="contain-title"
      className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm"
      data-testid="contain"
    >
      <h2 id="contain-title" className="font-medium">
        {t('title')}
      </h2>
      <p className="text-slate-700">{t('intro')}</p>
      {parts}
    </section>
  );
}
