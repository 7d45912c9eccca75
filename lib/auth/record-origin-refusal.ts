import 'server-only';
import { withPlatformTx } from '@/db';
import { PLATFORM_TENANT_ID } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import type { RequestRefusal } from '@/lib/http/prepare-request';

// Refusals recorded per client address and minute: a scripted flood must not bury the trail.
const PER_MINUTE = 10;
const recent = new Map<string, { minute: number; n: number; suppressed: number }>();

/**
 * A state-changing request refused before Next for want of same-origin proof (a forged form or
 * a cross-site script), recorded in the platform's chain: no tenant is known before the session.
 * At most PER_MINUTE events per client address a minute; the next one says how many were left out.
 */
export async function recordOriginRefusal(refusal: RequestRefusal): Promise<void> {
  const minute = Math.floor(now().getTime() / 60_000);
  const seen = recent.get(refusal.clientIp);
  const slot = seen && seen.minute === minute ? seen : { minute, n: 0, suppressed: seen?.suppressed ?? 0 };
  recent.set(refusal.clientIp, slot);
  if (recent.size > 10_000) for (const [ip, s] of recent) if (s.minute < minute) recent.delete(ip);
  if (++slot.n > PER_MINUTE) {
    slot.suppressed++;
    return;
  }
  const suppressed = slot.suppressed;
  slot.suppressed = 0;
  await withPlatformTx((tx) =>
    recordAudit(tx, {
      tenantId: PLATFORM_TENANT_ID,
      action: 'access.denied_origin',
      outcome: 'denied',
      ip: refusal.clientIp,
      details: {
        reason: refusal.reason,
        method: refusal.method,
        path: refusal.path,
        origin: refusal.origin,
        ...(suppressed > 0 ? { notRecordedBefore: suppressed } : {}),
      },
    }),
  );
}
