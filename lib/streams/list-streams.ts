import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { PLATFORM_TENANT_ID, type STREAM_ERRORS } from '@/db/schema';
import { now } from '@/lib/clock';
import type { TenantAccess } from '@/lib/kernel/access';
import type { StreamFormat } from './format-stream-line';
import type { StreamKind } from './send-to-stream';

export interface StreamState {
  id: string;
  name: string;
  kind: StreamKind;
  format: StreamFormat;
  host: string;
  status: 'running' | 'paused';
  /** The last event the receiver acknowledged, and when that event happened. */
  deliveredSeq: number;
  deliveredEventAt: Date | null;
  deliveredAt: Date | null;
  /** Events not yet acknowledged, and how long the oldest of them has waited. */
  lagEvents: number;
  lagSeconds: number;
  lastError: (typeof STREAM_ERRORS)[number] | null;
  /** The connection's own words: for platform staff only, null for everyone else. */
  lastErrorDetail: string | null;
  failingSince: Date | null;
  nextAttemptAt: Date;
  backfillFrom: Date | null;
  createdAt: Date;
  createdByLoginId: string;
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** The chain's streams with where each stands: delivered up to, lag in events and seconds, last error. */
export async function listStreams(ctx: TenantAccess<'security.write'>): Promise<StreamState[]> {
  const tenantId = ctx.granted.tenantId;
  const staff = ctx.tenantId === PLATFORM_TENANT_ID;
  const at = now();
  return withOwnerTx(
    tenantId,
    async (tx) => {
      const rows = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`
          select s.id, s.name, s.kind, s.format, s.url, s.status, s.cursor_seq, s.delivered_event_at, s.delivered_at,
                 s.last_error, s.last_error_detail, s.failing_since, s.next_attempt_at, s.backfill_from, s.created_at,
                 s.created_by_login_id, greatest(c.last_seq - s.cursor_seq, 0) as lag_events,
                 (select e.occurred_at from audit_events e where e.tenant_id = s.tenant_id and e.seq = s.cursor_seq + 1) as waiting_since
            from audit_streams s left join audit_chains c on c.tenant_id = s.tenant_id
           where s.tenant_id = ${tenantId} order by s.created_at, s.id`),
      );
      return rows.map((r): StreamState => {
        const waiting = date(r.waiting_since);
        return {
          id: r.id as string,
          name: r.name as string,
          kind: r.kind as StreamKind,
          format: r.format as StreamFormat,
          host: new URL(r.url as string).host,
          status: r.status as StreamState['status'],
          deliveredSeq: Number(r.cursor_seq),
          deliveredEventAt: date(r.delivered_event_at),
          deliveredAt: date(r.delivered_at),
          lagEvents: Number(r.lag_events ?? 0),
          lagSeconds: waiting ? Math.max(0, Math.round((at.getTime() - waiting.getTime()) / 1000)) : 0,
          lastError: (r.last_error as StreamState['lastError']) ?? null,
          lastErrorDetail: staff ? ((r.last_error_detail as string | null) ?? null) : null,
          failingSince: date(r.failing_since),
          nextAttemptAt: new Date(r.next_attempt_at as string),
          backfillFrom: date(r.backfill_from),
          createdAt: new Date(r.created_at as string),
          createdByLoginId: r.created_by_login_id as string,
        };
      });
    },
    { readOnly: true },
  );
}
