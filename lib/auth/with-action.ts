import 'server-only';
import { headers } from 'next/headers';
import { forbidden, notFound, redirect, unstable_rethrow } from 'next/navigation';
import { z } from '@/lib/http/zod-messages';
import { AppError } from '@/lib/http/app-error';
import { authorizeOperator, authorizePlatform, authorizeTenant, type OperatorContext } from './guard';
import type { Permission } from '@/lib/kernel/permissions';
import { requireStepUp } from '@/lib/kernel/require-step-up';

export type ActionState = {
  ok: boolean;
  error?: string;
  fieldErrors?: Record<string, string[]>;
  message?: string;
  data?: Record<string, unknown>;
} | null;

/** Who may call an action, and (`stepUp`) whether it needs a second factor verified just now. */
type Access<I> = (
  | { operator: true; allowMustChangePassword?: boolean; allowMustEnrollMfa?: boolean }
  | { platform: Permission }
  | { tenant: Permission; tenantOf: (input: I) => string }
) & { stepUp?: true };

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

/**
 * The one wrapper for server actions: same-origin check, zod-parsed input (field errors come back
 * to the form, nothing is changed), then the guard with a required permission and, where the
 * access says so, a fresh second factor; then the handler.
 */
export function withAction<S extends z.ZodType, I = z.infer<S>>(
  access: Access<NoInfer<I>>,
  schema: S,
  handler: (ctx: OperatorContext, input: I) => Promise<ActionState>,
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
      const input = parsed.data as I;
      let ctx: OperatorContext;
      if ('tenant' in access) ctx = await authorizeTenant(access.tenantOf(input), access.tenant);
      else if ('platform' in access) ctx = await authorizePlatform(access.platform);
      else
        ctx = await authorizeOperator({
          allowMustChangePassword: access.allowMustChangePassword,
          allowMustEnrollMfa: access.allowMustEnrollMfa,
        });
      if (access.stepUp) requireStepUp(ctx);
      return await handler(ctx, input);
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
