import { randomUUID } from 'node:crypto';
import { withTenantTx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { contextFor, tenantAccess } from './context';
import { createOperator, createSite, createTenant } from './fixtures';

/** A file's sha256 as the trail records it, made of one repeated character. */
export const fakeSha = (c: string) => c.repeat(64);

export interface Actor {
  operatorId: string;
  loginId: string;
  sessionId: string;
  ip: string;
}

/** Events as the app writes them (docs/audit-events.md), by one session from one address. */
export async function recordAs(
  tenantId: string,
  by: Actor,
  events: [action: string, details: Record<string, unknown>, outcome?: 'success' | 'failure'][],
) {
  await withTenantTx(tenantId, async (tx) => {
    for (const [action, details, outcome] of events) {
      await recordAudit(tx, {
        tenantId,
        action,
        outcome: outcome ?? 'success',
        actor: { operatorId: by.operatorId, loginId: by.loginId },
        ip: by.ip,
        userAgent: 'vitest',
        sessionId: by.sessionId,
        details,
      });
    }
  });
}

/**
 * A company with two sites where an intruder's session (from `ip`) exported, revealed, listed and
 * changed settings, and the owner's own work in another session of the same operator from the
 * office: what the blast-radius tests measure.
 */
export async function seedIntrusion(prefix: string, ip = '198.51.100.44') {
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const tenantId = await createTenant(`${prefix}${stamp}`);
  const siteA = await createSite(tenantId, 'a', { members: 1, orders: 1, customers: 1 });
  const siteB = await createSite(tenantId, 'b', { members: 1, orders: 1, customers: 1 });
  const loginId = `${prefix}${stamp}.op`;
  const opId = await createOperator(tenantId, loginId, 'a long enough password');
  const intruder: Actor = { operatorId: opId, loginId, sessionId: randomUUID(), ip };
  const owner: Actor = { ...intruder, sessionId: randomUUID(), ip: '203.0.113.1' };
  const common = { from: '2026-01-01', to: '2026-12-01', columns: ['orderNo'], reason: 'monthly', encoding: 'utf8' };
  await recordAs(tenantId, owner, [['members.listed', { siteId: siteB, count: 3 }]]);
  await recordAs(tenantId, intruder, [
    ['login.succeeded', {}],
    ['orders.export_started', { siteId: siteA, ...common, rows: 100, customers: 80 }],
    ['orders.exported', { siteId: siteA, ...common, rows: 100, customers: 80, bytes: 9000, sha256: fakeSha('a') }],
    ['orders.export_started', { siteId: siteA, ...common, rows: 50, customers: 40 }],
    ['orders.exported', { siteId: siteA, ...common, rows: 50, customers: 40, bytes: 4000, sha256: fakeSha('b') }],
    ['orders.export_started', { siteId: siteA, ...common, rows: 70, customers: 60 }],
    ['orders.export_aborted', { siteId: siteA, cause: 'client_gone', rowsSent: 10, bytesSent: 900 }, 'failure'],
    // Claimed, and then nothing: the trail cannot say how much left.
    ['orders.export_started', { siteId: siteA, ...common, rows: 30, customers: 30 }],
    ['payment_settings.revealed', { siteId: siteA, field: 'apiSecret', reason: 'check' }],
    ['payment_settings.revealed', { siteId: siteA, field: 'apiKey', reason: 'check', error: 'x' }, 'failure'],
    ['member.revealed', { siteId: siteB, memberNo: 'M1' }],
    ['member.revealed', { siteId: siteB, memberNo: 'M1' }],
    ['member.revealed', { siteId: siteB, memberNo: 'M2' }],
    ['members.listed', { siteId: siteB, count: 50 }],
    ['members.listed', { siteId: siteB, count: 30 }],
    ['orders.listed', { siteId: siteB, count: 20 }],
    ['order.revealed', { siteId: siteB, orderNo: 'O9' }],
    ['ip_allowlist.updated', { layer: 'tenant', added: 1, removed: 0, count: 1 }],
    ['mfa.policy_updated', { totpRequired: false }],
    ['payment_settings.updated', { siteId: siteB, fields: ['apiKey'] }],
  ]);
  await recordAs(tenantId, owner, [['member.revealed', { siteId: siteB, memberNo: 'M3' }]]);
  const reader = tenantAccess(contextFor(tenantId, opId, 'tenant_admin', 'admin'), tenantId, 'audit.read');
  return { tenantId, siteA, siteB, intruder, owner, reader, stamp };
}
