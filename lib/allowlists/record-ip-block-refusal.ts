import 'server-only';
import type { Tx } from '@/db';
import { recordAudit, type AuditEventInput } from '@/lib/audit/record-audit';
import type { IpBlockHit } from './ip-block-rules';

/**
 * Records a request, login or API call refused because its address is blocked
 * (`access.denied_ip` with layer `block`), in the refused party's own chain.
 */
export async function recordIpBlockRefusal(
  tx: Tx,
  event: Pick<AuditEventInput, 'tenantId' | 'actor' | 'target' | 'ip' | 'userAgent' | 'sessionId'>,
  block: IpBlockHit,
  at: 'login' | 'request' | 'api',
): Promise<void> {
  await recordAudit(tx, {
    ...event,
    action: 'access.denied_ip',
    outcome: 'denied',
    details: { layer: 'block', scope: block.scope, blockId: block.id, cidr: block.cidr, at },
  });
}
