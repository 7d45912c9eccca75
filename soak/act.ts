/**
 * What one soak client does until the run ends: sign in (password, then TOTP), then a visit of
 * 6–12 steps a second or so apart, then sign in again. Admins view pages, search and export the
 * audit trail and edit their own IP allowlist; operators view pages. Each action whose answer
 * acknowledged it is noted with what identifies its audit event; an action without an answer (a
 * fault cut it) is noted as unknown, since it may or may not have happened.
 */
import { timeStepOf, totpAt } from '@/lib/mfa/otp';
import type { Acknowledged } from './check-audit';
import type { Answer, Client } from './client';

export interface Operator {
  id: string;
  tenantId: string;
  loginId: string;
  password: string;
  secret: string;
  admin: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const think = () => sleep(600 + Math.random() * 1200);
const unanswered = (a: Answer | null) => a === null || a.status >= 500;

/** Sends and never throws: a cut connection is an answer of null (the sample is kept by the client). */
async function attempt(work: () => Promise<Answer>): Promise<Answer | null> {
  try {
    return await work();
  } catch {
    return null;
  }
}

function tally(
  map: Map<string, { acknowledged: number; unknown: number }>,
  operatorId: string,
  answer: 'ack' | 'unknown',
) {
  const t = map.get(operatorId) ?? { acknowledged: 0, unknown: 0 };
  if (answer === 'ack') t.acknowledged++;
  else t.unknown++;
  map.set(operatorId, t);
}

let edits = 0;

async function signIn(client: Client, op: Operator, lastStep: { step: number }, acks: Acknowledged): Promise<boolean> {
  client.forget();
  const loginPage = await attempt(() => client.get('GET /login', '/login'));
  if (!loginPage || loginPage.status !== 200) return false;
  const posted = await attempt(() =>
    client.submit('POST /login', { ...loginPage, path: '/login' }, 'loginId', [
      ['loginId', op.loginId],
      ['password', op.password],
    ]),
  );
  if (!posted || posted.status !== 303 || !posted.location?.includes('/login/verify')) return false;
  const verifyPage = await attempt(() => client.get('GET /login/verify', '/login/verify'));
  if (!verifyPage || verifyPage.status !== 200) return false;
  // A code is good once (RFC 6238 5.2): wait for a step this operator has not used.
  while (timeStepOf(Date.now() / 1000) <= lastStep.step) await sleep(250);
  lastStep.step = timeStepOf(Date.now() / 1000);
  const code = await totpAt(op.secret, Date.now() / 1000);
  const verified = await attempt(() =>
    client.submit('POST /login/verify', { ...verifyPage, path: '/login/verify' }, 'code', [['code', code]]),
  );
  if (unanswered(verified)) {
    tally(acks.logins, op.id, 'unknown');
    return false;
  }
  const ok = verified!.status === 303 && !verified!.location?.includes('/login');
  if (ok) tally(acks.logins, op.id, 'ack');
  return ok;
}

async function editAllowlist(client: Client, op: Operator, index: number, acks: Acknowledged) {
  const page = `/t/${op.tenantId}/ip-allowlist?operator=${op.id}`;
  const editor = await attempt(() => client.get('GET /t/:id/ip-allowlist', page));
  if (!editor || editor.status !== 200) return;
  // A network no one else writes: the audit event's `added` names it.
  const n = index * 100_000 + ++edits;
  const cidr = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}/32`;
  const saved = await attempt(() =>
    client.submit('POST /t/:id/ip-allowlist', { ...editor, path: page }, 'allowlist-editor', [
      ['entries', `127.0.0.0/8 loopback\n${cidr} soak`],
    ]),
  );
  if (unanswered(saved)) acks.allowlist.push({ tenantId: op.tenantId, operatorId: op.id, cidr, answer: 'unknown' });
  else if (saved!.status === 200 && saved!.body.includes('data-testid="form-success"'))
    acks.allowlist.push({ tenantId: op.tenantId, operatorId: op.id, cidr, answer: 'ack' });
}

async function exportAudit(client: Client, op: Operator, acks: Acknowledged) {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const answer = await attempt(() =>
    client.get(
      'GET /api/v1/tenants/:id/audit/export',
      `/api/v1/tenants/${op.tenantId}/audit/export?format=csv&from=${from}`,
    ),
  );
  if (unanswered(answer)) tally(acks.exports, op.id, 'unknown');
  else if (answer!.status === 200) tally(acks.exports, op.id, 'ack');
}

export async function act(client: Client, op: Operator, index: number, until: number, acks: Acknowledged) {
  const lastStep = { step: 0 };
  while (Date.now() < until) {
    if (!(await signIn(client, op, lastStep, acks))) {
      await think();
      continue;
    }
    const steps = 6 + Math.floor(Math.random() * 7);
    for (let s = 0; s < steps && Date.now() < until; s++) {
      await think();
      const roll = Math.random();
      if (roll < 0.25) await attempt(() => client.get('GET /t/:id', `/t/${op.tenantId}`));
      else if (roll < 0.45 || !op.admin)
        await attempt(() =>
          op.admin && roll < 0.35
            ? client.get('GET /t/:id/security', `/t/${op.tenantId}/security`)
            : client.get('GET /account/sessions', '/account/sessions'),
        );
      else if (roll < 0.75)
        await attempt(() => client.get('GET /t/:id/audit', `/t/${op.tenantId}/audit?action=login.succeeded`));
      else if (roll < 0.9) await editAllowlist(client, op, index, acks);
      else await exportAudit(client, op, acks);
    }
  }
}
