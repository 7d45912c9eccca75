import 'server-only';
import { createHash } from 'node:crypto';
import iconv from 'iconv-lite';
import { withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import type { OperatorContext } from '@/lib/auth/load-session';
import { csvRow } from '@/lib/http/csv';
import { z } from '@/lib/http/zod-messages';
import { searchAuditEvents, type AuditSearchQuery } from './search-audit-events';

export const exportFormat = z.object({
  format: z.enum(['csv', 'jsonl']).catch('csv'),
  encoding: z.enum(['utf8', 'utf8-bom', 'sjis']).catch('utf8'),
});

const BATCH = 1000;
const COLUMNS = ['seq', 'occurred_at_utc', 'actor_login_id', 'actor_operator_id', 'action', 'outcome', 'target_type', 'target_id', 'ip', 'user_agent', 'session_id', 'details', 'hash'];

/**
 * Any filtered audit result as CSV (UTF-8, UTF-8 with BOM or Shift_JIS for Japanese Excel;
 * formula-safe, RFC 4180) or JSON Lines, streamed in keyset batches so memory stays flat however
 * many rows. When the stream ends, `audit.exported` records the filter, rows, bytes and sha256.
 */
export function exportAuditEvents(ctx: OperatorContext, tenantId: string, query: AuditSearchQuery, options: z.infer<typeof exportFormat>): ReadableStream<Uint8Array> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  let before: string | null | undefined = query.before;
  let chain = tenantId;
  let started = false;
  const encode = (text: string): Uint8Array => (options.encoding === 'sjis' ? iconv.encode(text, 'Shift_JIS') : Buffer.from(text, 'utf8'));
  const emit = (controller: ReadableStreamDefaultController<Uint8Array>, chunk: Uint8Array) => {
    hash.update(chunk);
    bytes += chunk.length;
    controller.enqueue(chunk);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (options.encoding === 'utf8-bom') emit(controller, Buffer.from('\ufeff', 'utf8'));
        if (options.format === 'csv') emit(controller, encode(csvRow(COLUMNS)));
      }
      if (before === null) return;
      const page = await searchAuditEvents(ctx, tenantId, { ...query, before }, BATCH);
      chain = page.chain;
      const text = page.rows
        .map((e) =>
          options.format === 'csv'
            ? csvRow([e.seq, e.occurredAt, e.actorLoginId, e.actorOperatorId, e.action, e.outcome, e.targetType, e.targetId, e.ip, e.userAgent, e.sessionId, JSON.stringify(e.details), e.hash])
            : `${JSON.stringify({ ...e, occurredAt: e.occurredAt.toISOString() })}\n`,
        )
        .join('');
      if (text) emit(controller, encode(text));
      rows += page.rows.length;
      before = page.next ?? null;
      if (before === null) {
        const { before: _cursor, ...filter } = query;
        await withOwnerTx(chain, (tx) =>
          recordAudit(tx, {
            tenantId: chain,
            action: 'audit.exported',
            outcome: 'success',
            ...byOperator(ctx),
            target: { type: 'tenant', id: chain },
            details: { format: options.format, encoding: options.encoding, filter: JSON.parse(JSON.stringify(filter)), rows, bytes, sha256: hash.copy().digest('hex') },
          }),
        );
        controller.close();
      }
    },
  });
}
