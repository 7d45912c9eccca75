import type { Client } from 'openapi-fetch';
import type { paths } from './mamori-api';

type Mamori = Client<paths>;
type Role = 'tenant_admin' | 'tenant_operator';
interface Person {
  loginId: string;
  displayName: string;
  email: string;
  role: Role;
}

/** The HR system's export: `loginId,displayName,email,role`, a header line first. */
export function parseStaffCsv(csv: string): Person[] {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  if (header.trim() !== 'loginId,displayName,email,role') throw new Error(`unexpected header: ${header}`);
  return lines.map((line) => {
    const [loginId, displayName, email, role] = line.split(',').map((v) => v.trim());
    if (role !== 'tenant_admin' && role !== 'tenant_operator') throw new Error(`unknown role in: ${line}`);
    return { loginId, displayName, email, role };
  });
}

/**
 * Makes the company's operators match the HR list: creates the missing (handing each temporary
 * password to `deliver`), updates names, emails and roles, and disables active operators who
 * left. Safe to re-run after a failure: each change carries an Idempotency-Key derived from it.
 */
export async function syncOperators(
  mamori: Mamori,
  tenantId: string,
  people: Person[],
  deliver: (loginId: string, temporaryPassword: string) => Promise<void>,
) {
  const path = { tenantId };
  const current = new Map<
    string,
    { id: string; displayName: string; email: string | null; role: string; status: string }
  >();
  for (let after: string | undefined; ;) {
    const { data, error } = await mamori.GET('/api/v1/tenants/{tenantId}/operators', {
      params: { path, query: { after } },
    });
    if (error) throw new Error(`list: ${error.error}`);
    for (const o of data.operators) current.set(o.loginId.toLowerCase(), o);
    if (!data.next) break;
    after = data.next;
  }
  const run = new Date().toISOString().slice(0, 10);
  const done = { created: 0, updated: 0, disabled: 0 };
  for (const p of people) {
    const found = current.get(p.loginId.toLowerCase());
    if (!found) {
      const { data, error } = await mamori.POST('/api/v1/tenants/{tenantId}/operators', {
        params: { path, header: { 'Idempotency-Key': `hr-sync:${run}:create:${p.loginId}` } },
        body: { loginId: p.loginId, displayName: p.displayName, email: p.email, role: p.role },
      });
      if (error) throw new Error(`create ${p.loginId}: ${error.error} ${JSON.stringify(error.fields ?? {})}`);
      await deliver(p.loginId, data.temporaryPassword);
      done.created++;
    } else if (found.displayName !== p.displayName || (found.email ?? '') !== p.email || found.role !== p.role) {
      const { error } = await mamori.PATCH('/api/v1/tenants/{tenantId}/operators/{operatorId}', {
        params: { path: { ...path, operatorId: found.id } },
        body: { displayName: p.displayName, email: p.email, role: p.role },
      });
      if (error) throw new Error(`update ${p.loginId}: ${error.error}`);
      done.updated++;
    }
  }
  const listed = new Set(people.map((p) => p.loginId.toLowerCase()));
  for (const [loginId, o] of current) {
    if (listed.has(loginId) || o.status !== 'active') continue;
    const { error } = await mamori.POST('/api/v1/tenants/{tenantId}/operators/{operatorId}/disable', {
      params: { path: { ...path, operatorId: o.id }, header: { 'Idempotency-Key': `hr-sync:${run}:disable:${o.id}` } },
      body: { reason: 'Left the company (HR sync)' },
    });
    if (error) throw new Error(`disable ${loginId}: ${error.error}`);
    done.disabled++;
  }
  return done;
}
