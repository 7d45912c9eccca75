import { SUPPORT_SCOPES, type SupportScope } from '@/db/schema';
import { z } from '@/lib/http/zod-messages';

/** A grant's scopes as a form sends them (one checkbox each, repeated name): at least one. */
export const supportScopesInput = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : [v]),
  z
    .array(z.enum(SUPPORT_SCOPES))
    .min(1)
    .transform((scopes) => [...new Set(scopes)] as SupportScope[]),
);

/** The most a grant may last (a database check holds it too). */
export const MAX_SUPPORT_HOURS = 72;

/** The part of an operator context that support access is decided on. */
export interface SupportViewer {
  operatorId: string;
  loginId: string;
  role: string;
}
