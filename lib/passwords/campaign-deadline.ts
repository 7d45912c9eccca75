import { AppError } from '@/lib/http/app-error';
import { z } from '@/lib/http/zod-messages';

// A date-time without a zone (as the console's date-time field sends it) is Japan time, as the UI says.
export const deadlineSchema = z.preprocess(
  (v) =>
    typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)
      ? `${v.length === 16 ? `${v}:00` : v}+09:00`
      : v,
  z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid_format'),
);

/** A deadline at least a minute ahead: less would lock operators before they could act. */
export function assertDeadlineAhead(deadline: Date, at: Date) {
  if (deadline.getTime() <= at.getTime() + 60_000) throw new AppError('bad_request', { deadline: ['in_past'] });
}
