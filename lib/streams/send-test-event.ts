import 'server-only';
import { sql } from 'drizzle-orm';
import { rowsOf, withOwnerTx } from '@/db';
import { byOperator, recordAudit } from '@/lib/audit/record-audit';
import { now } from '@/lib/clock';
import { open } from '@/lib/crypto/keyring';
import { AppError } from '@/lib/http/app-error';
import type { TenantAccess } from '@/lib/kernel/access';
import type { StreamFormat } from './format-stream-line';
import { sendToStream, StreamSendFailed, type StreamError, type StreamKind } from './send-to-stream';
import { streamSecretContext } from './stream-secret-context';

/**
 * Sends one test line (type `mamori.test`, outside the chain: a verifier skips it) to a stream's
 * receiver now, whatever the stream's state, and says whether the receiver acknowledged it. The
 * attempt and its outcome are audited.
 */
export async function sendTestEvent(
  ctx: TenantAccess<'security.write'>,
  streamId: string,
): Promise<{ ok: true } | { ok: false; error: StreamError }> {
  const tenantId = ctx.granted.tenantId;
  const [s] = await withOwnerTx(
    tenantId,
    async (tx) =>
      rowsOf<{ name: string; kind: StreamKind; format: StreamFormat; url: string; secret_ciphertext: string | null }>(
        await tx.execute(sql`
          select name, kind, format, url, secret_ciphertext from audit_streams
           where tenant_id = ${tenantId} and id = ${streamId}`),
      ),
    { readOnly: true },
  );
  if (!s) throw new AppError('not_found');
  const line = { type: 'mamori.test', tenantId, stream: s.name, sentAt: now().toISOString(), by: ctx.loginId };
  let error: StreamError | null = null;
  try {
    const secret = s.secret_ciphertext
      ? open('stream-secret', s.secret_ciphertext, streamSecretContext(tenantId, streamId))
      : null;
    await sendToStream({ id: streamId, kind: s.kind, format: s.format, url: s.url, secret }, [
      { json: JSON.stringify(line), at: Date.parse(line.sentAt) },
    ]);
  } catch (e) {
    if (!(e instanceof StreamSendFailed)) throw e;
    error = e.kind;
  }
  await withOwnerTx(tenantId, (tx) =>
    recordAudit(tx, {
      tenantId,
      action: 'audit_stream.tested',
      outcome: error ? 'failure' : 'success',
      ...byOperator(ctx),
      target: { type: 'audit_stream', id: streamId },
      details: { name: s.name, error },
    }),
  );
  return error ? { ok: false, error } : { ok: true };
}
