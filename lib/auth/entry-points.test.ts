import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appEntryFiles } from '@/lib/testing/entry-points';
import { ACCESS, type AccessRule } from './access-table';
import { API_OPERATIONS } from '@/lib/api/api-operations';

/**
 * The access table and the files on disk, held to each other: every page, route handler and
 * server action found under app/ has its row, names that row itself (so the guard reads the
 * right one), and no row names something that does not exist. What the guard does with each row
 * is tested in guard.int.test.ts; here, that nothing around it can make or bypass its values.
 */

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const table = ACCESS as Record<string, AccessRule>;
const read = (file: string) => readFileSync(file, 'utf8');

/** The entry points a file declares, each with the access-table key it hands to the guard, if any. */
function entryPoints(file: string): { name: string; declares: string | null }[] {
  const text = read(file);
  if (file.endsWith('/page.tsx')) {
    const m = text.match(/\brequireAccess\(\s*'([^']+)'/);
    return [{ name: file, declares: m ? m[1] : null }];
  }
  const exported = [...text.matchAll(/export\s+(?:const|async function|function)\s+(\w+)\b(?=([\s\S]{0,300}))/g)];
  const wrapped = (rest: string, wrapper: string) =>
    rest.match(new RegExp(`^\\s*=\\s*${wrapper}(?:<[^(]*>)?\\(\\s*'([^']+)'`))?.[1] ?? null;
  // An API route hands the guard its operation, which names its row.
  const operation = (rest: string) => {
    const name = rest.match(/^\s*=\s*withApi\(\s*(\w+)/)?.[1];
    return name && name in API_OPERATIONS ? API_OPERATIONS[name as keyof typeof API_OPERATIONS].entry : null;
  };
  if (file.endsWith('/route.ts'))
    return exported
      .filter((m) => HTTP_METHODS.includes(m[1]))
      .map((m) => ({ name: `${file} ${m[1]}`, declares: wrapped(m[2], 'withRoute') ?? operation(m[2]) }));
  if (file.endsWith('/actions.ts') && text.startsWith("'use server'"))
    return exported.map((m) => ({ name: `${file} ${m[1]}`, declares: wrapped(m[2], 'withAction') }));
  return [];
}

const all = appEntryFiles().flatMap(entryPoints);

/** Non-test TypeScript under these folders. */
function sources(dir: string): string[] {
  return appEntryFiles(dir, /\.tsx?$/).filter((f) => !/\.test\.ts$/.test(f));
}
const code = [...sources('app'), ...sources('lib'), ...sources('db')];

describe('the access table and the entry points on disk', () => {
  it('finds the app’s pages, route handlers and server actions', () => {
    expect(all.filter((e) => e.name.endsWith('page.tsx')).length).toBeGreaterThan(20);
    expect(all.filter((e) => e.name.includes('/route.ts ')).length).toBeGreaterThan(8);
    expect(all.filter((e) => e.name.includes('/actions.ts ')).length).toBeGreaterThan(40);
  });

  it('has a row for every entry point on disk, and no row for one that does not exist', () => {
    const onDisk = all.map((e) => e.name);
    expect(onDisk.filter((n) => !(n in table))).toEqual([]);
    expect(Object.keys(table).filter((n) => !onDisk.includes(n))).toEqual([]);
  });

  it('has each guarded entry point hand its own row to the guard, and no open one wrapped', () => {
    const wrong = all.filter((e) => {
      const open = table[e.name]?.who === 'anyone';
      return open ? e.declares !== null : e.declares !== e.name;
    });
    expect(wrong).toEqual([]);
  });

  it('lets only the guard make access values, and only the guard check a second factor', () => {
    const casts =
      /\bas\s+(unknown\s+as\s+)?(TenantAccess|PlatformAccess|OperatorAccess|TokenAccess|TokenAccessOf|SteppedUp|AccessOf)\b/;
    expect(code.filter((f) => casts.test(read(f)) && !f.startsWith('lib/testing/'))).toEqual(['lib/auth/guard.ts']);
    expect(code.filter((f) => /\brequireStepUp\(/.test(read(f)))).toEqual([
      'lib/auth/guard.ts',
      'lib/kernel/require-step-up.ts',
    ]);
  });

  it('compares roles and permissions only in the guard and the permission table', () => {
    const comparison =
      /\b(hasPermission|isPlatformRole|isSupportScope|mayAct)\(|\bROLE_PERMISSIONS\b|\brole\s*[!=]==\s*'/;
    expect(code.filter((f) => comparison.test(read(f)))).toEqual([
      'lib/auth/guard.ts',
      // The session's own gate: platform staff always need TOTP.
      'lib/auth/load-session.ts',
      'lib/kernel/permissions.ts',
      // Not access: which roles an account of the platform or of a company may hold at all.
      'lib/tenancy/operator-guards.ts',
    ]);
  });

  it('gives lib functions an access value, never a bare operator context and a tenant id', () => {
    const bare = /OperatorContext,\s*(tenantId|ownerTenantId):\s*string/;
    expect(sources('lib').filter((f) => bare.test(read(f)) && !f.startsWith('lib/testing/'))).toEqual([
      // The guard itself, and the support grants it looks up for a tenant.
      'lib/auth/guard.ts',
      'lib/support/list-support-grants.ts',
    ]);
  });

  it('declares a fresh second factor on every change of others’ access, secrets and exports', () => {
    const T = 'app/t/[tenantId]';
    const needStepUp = [
      // Second factors and passwords of others, roles, creating operators.
      `${T}/actions.ts createOperatorAction`,
      `${T}/actions.ts changeOperatorRoleAction`,
      `${T}/actions.ts forcePasswordChangeAction`,
      `${T}/actions.ts resetOperatorPasswordAction`,
      `${T}/actions.ts resetMfaAction`,
      // Ending others' sessions, suspending a tenant.
      `${T}/actions.ts endOperatorSessionsAction`,
      `${T}/actions.ts endTenantSessionsAction`,
      `${T}/actions.ts setTenantStatusAction`,
      'app/platform/sessions/actions.ts endAllSessionsAction',
      // IP allowlists, TOTP and password policy, API tokens, webhooks, support grants.
      `${T}/ip-allowlist/actions.ts saveIpAllowlistAction`,
      `${T}/ip-allowlist/actions.ts setIpAllowlistModeAction`,
      `${T}/ip-allowlist/actions.ts grantBreakGlassAction`,
      `${T}/security/actions.ts setTotpPolicyAction`,
      `${T}/security/actions.ts updatePasswordSettingsAction`,
      `${T}/security/actions.ts setAlertWebhookAction`,
      `${T}/security/actions.ts grantSupportAccessAction`,
      `${T}/api-tokens/actions.ts createTokenAction`,
      `${T}/api-tokens/actions.ts revokeTokenAction`,
      `${T}/rotation/actions.ts startCampaignAction`,
      // Exports and secret reveals.
      `${T}/sites/[siteId]/export/actions.ts requestExportAction`,
      `${T}/sites/[siteId]/export/actions.ts decideExportAction`,
      `${T}/sites/[siteId]/export/actions.ts startDownloadAction`,
      'app/api/v1/tenants/[tenantId]/order-exports/[exportId]/download/route.ts GET',
      `${T}/sites/[siteId]/payment/actions.ts revealSecretAction`,
      `${T}/sites/[siteId]/payment/actions.ts updatePaymentSettingsAction`,
      'app/account/mfa/actions.ts regenerateCodesAction',
    ];
    const missing = needStepUp.filter((e) => {
      const rule = table[e];
      return !rule || !('stepUp' in rule) || rule.stepUp !== true;
    });
    expect(missing).toEqual([]);
  });
});
