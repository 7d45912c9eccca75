import 'server-only';
import type { Tx } from '@/db';
import { recordAudit } from '@/lib/audit/record-audit';
import { decideIp, type IpDecision } from './allowlist';
import { breakGlassRanges, layerRules, type ListRef } from './ip-allowlist-rules';

interface Subject {
  tenantId: string;
  operatorId: string;
  loginId: string;
  sessionId: string | null;
  ip: string;
  userAgent: string | null;
}

/**
 * Decides a request or login against the operator's layers and records what must be recorded: a
 * refusal (`access.denied_ip`, with the refusing layer) or, in monitor mode, a request that would
 * have been refused. Runs inside the caller's transaction.
 */
export async function enforceIpAllowlist(
  tx: Tx,
  subject: Subject,
  lists: { tenant: ListRef | null; operator: ListRef | null },
  at: 'login' | 'request',
): Promise<IpDecision> {
  const layers = await layerRules(tx, subject.tenantId, lists);
  if (layers.length === 0) return { allowed: true, monitoredDenials: [], breakGlass: false };
  let decision = decideIp(subject.ip, layers, null);
  if (!decision.allowed) {
    const glass = await breakGlassRanges(tx, subject.tenantId, subject.operatorId);
    if (glass) decision = decideIp(subject.ip, layers, glass);
  }
  const base = {
    tenantId: subject.tenantId,
    action: 'access.denied_ip',
    actor: { operatorId: subject.operatorId, loginId: subject.loginId },
    target: { type: 'operator', id: subject.operatorId },
    ip: subject.ip,
    userAgent: subject.userAgent,
    sessionId: subject.sessionId,
  };
  if (!decision.allowed) {
    await recordAudit(tx, { ...base, outcome: 'denied', details: { layer: decision.deniedBy, at } });
  } else if (decision.breakGlass) {
    await recordAudit(tx, { ...base, action: 'access.break_glass_used', outcome: 'success', details: { at } });
  } else if (decision.monitoredDenials.length > 0) {
    await recordAudit(tx, {
      ...base,
      outcome: 'success',
      details: { layers: decision.monitoredDenials, at, monitor: true },
    });
  }
  return decision;
}
