import { STREAM_FORMATS, STREAM_KINDS } from '@/db/schema';
import { outboundUrlProblem } from '@/lib/http/outbound';
import { z } from '@/lib/http/zod-messages';

/** At most this many streams per chain (a company's, the platform's). */
export const MAX_STREAMS = 3;

/**
 * A new stream: a name, a destination (https:// for HTTPS JSON and Splunk HEC, tls://host:port
 * for syslog) that passes the outbound guard, the HEC token for Splunk, and optionally the day
 * (Japan time) to backfill from.
 */
export const streamFields = {
  name: z.string().trim().min(1).max(60),
  kind: z.enum(STREAM_KINDS),
  format: z.enum(STREAM_FORMATS),
  url: z.string().trim().min(1).max(500),
  token: z.string().trim().max(200).optional().default(''),
  backfillFrom: z
    .union([z.literal(''), z.iso.date()])
    .optional()
    .default(''),
};

/** The checks across fields: the destination for its kind, the token Splunk needs. */
export function checkStream(
  v: { kind: (typeof STREAM_KINDS)[number]; url: string; token: string },
  ctx: z.RefinementCtx,
) {
  const problem = outboundUrlProblem(v.url, v.kind === 'syslog_tls' ? 'syslog' : 'https');
  if (problem)
    ctx.addIssue({
      code: 'custom',
      path: ['url'],
      message:
        problem === 'not_public'
          ? 'webhook_not_public'
          : v.kind === 'syslog_tls'
            ? 'invalid_syslog_url'
            : 'invalid_webhook_url',
    });
  if (v.kind === 'splunk_hec' && !v.token) ctx.addIssue({ code: 'custom', path: ['token'], message: 'required' });
}

export const createStreamInput = z.object(streamFields).superRefine(checkStream);
export type CreateStreamInput = z.infer<typeof createStreamInput>;
