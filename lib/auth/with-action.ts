import 'server-only';
import { headers } from 'next/headers';
import { forbidden, notFound, redirect, unstable_rethrow } from 'next/navigation';
import { z } from '@/lib/http/zod-messages';
import { AppError } from '@/lib/http/app-error';
import { uuidSchema } from '@/lib/http/input-schemas';
import { findOpenIncident } from '@/lib/incidents/find-open-incident';
import type { OperatorContext } from '@/lib/kernel/operator-context';
import { authorize, type AccessOf, type GuardedEntry, type TenantEntry } from './guard';

export type ActionState = {
  ok: boolean;
  error?: string;
  fieldErrors?: Record<string, string[]>;
  message?: string;
  data?: Record<string, unknown>;
} | null;

/** Server actions must come from our own pages: Next lets a request with no Origin through. */
async function assertSameOrigin() {
  const h = await headers();
  const origin = h.get('origin');
  const host = h.get('host');
  if (!origin || !host) throw new AppError('forbidden');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('forbidden');
  }
  if (originHost !== host) throw new AppError('forbidden');
}

/** A tenant action's input names the tenant it acts on. */
type InputOf<E extends GuardedEntry> = E extends TenantEntry ? { tenantId: string } : unknown;

/**
 * The one wrapper for server actions: same-origin check, zod-parsed input (field errors come back
 * to the form, nothing is changed), then the guard with the action's row of the access table
 * (permission on the input's tenant, a fresh second factor where declared); then the handler,
 * with the access value the guard made (naming the open incident the form was sent for, if any).
 */
export function withAction<E extends GuardedEntry, S extends z.ZodType<InputOf<E>>>(
  entry: E,
  schema: S,
  handler: (access: AccessOf<E>, input: z.infer<S>) => Promise<ActionState>,
) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    try {
      await assertSameOrigin();
      // A name given once is a value, given several times (ticked boxes of one group) a list.
      const raw = Object.fromEntries(
        [...new Set(formData.keys())]
          .filter((k) => !k.startsWith('$ACTION'))
          .map((k) => {
            const all = formData.getAll(k);
            return [k, all.length > 1 ? all : all[0]];
          }),
      );
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        return {
          ok: false,
          error: 'bad_request',
          fieldErrors: z.flattenError(parsed.error).fieldErrors as Record<string, string[]>,
        };
      }
      const input = parsed.data as z.infer<S>;
      const access = await (authorize as (entry: E, where?: unknown) => Promise<AccessOf<E>>)(entry, input);
      // Any action may be taken for an open incident: its audit event then carries the incident.
      if (raw.incidentId !== undefined && raw.incidentId !== '') {
        const id = uuidSchema.safeParse(raw.incidentId);
        if (!id.success) return { ok: false, error: 'bad_request', fieldErrors: { incidentId: ['incident_unknown'] } };
        const incident = await findOpenIncident(access as OperatorContext, id.data);
        return await handler({ ...access, incident }, input);
      }
      return await handler(access, input);
    } catch (error) {
      // redirect() and notFound() inside a handler are control flow, not failures.
      unstable_rethrow(error);
      if (error instanceof AppError) {
        if (error.code === 'unauthenticated') redirect('/login');
        if (error.code === 'not_found') notFound();
        if (error.code === 'ip_denied') forbidden();
        return { ok: false, error: error.code, fieldErrors: error.fields };
      }
      throw error;
    }
  };
}
