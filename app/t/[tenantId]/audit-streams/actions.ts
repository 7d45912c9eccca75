'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { createStream } from '@/lib/streams/create-stream';
import { removeStream } from '@/lib/streams/remove-stream';
import { sendTestEvent } from '@/lib/streams/send-test-event';
import { setStreamStatus } from '@/lib/streams/set-stream-status';
import { checkStream, streamFields } from '@/lib/streams/stream-input';

export const createStreamAction = withAction(
  'app/t/[tenantId]/audit-streams/actions.ts createStreamAction',
  z.object({ tenantId: uuidSchema, ...streamFields }).superRefine(checkStream),
  async (ctx, { tenantId, ...input }) => {
    const { secret } = await createStream(ctx, input);
    revalidatePath(`/t/${tenantId}/audit-streams`);
    return { ok: true, data: { secret } };
  },
);

export const setStreamStatusAction = withAction(
  'app/t/[tenantId]/audit-streams/actions.ts setStreamStatusAction',
  z.object({ tenantId: uuidSchema, streamId: uuidSchema, status: z.enum(['running', 'paused']) }),
  async (ctx, { tenantId, streamId, status }) => {
    await setStreamStatus(ctx, streamId, status);
    revalidatePath(`/t/${tenantId}/audit-streams`);
    return { ok: true };
  },
);

export const testStreamAction = withAction(
  'app/t/[tenantId]/audit-streams/actions.ts testStreamAction',
  z.object({ tenantId: uuidSchema, streamId: uuidSchema }),
  async (ctx, { streamId }) => {
    const result = await sendTestEvent(ctx, streamId);
    return { ok: true, data: result };
  },
);

export const removeStreamAction = withAction(
  'app/t/[tenantId]/audit-streams/actions.ts removeStreamAction',
  z.object({ tenantId: uuidSchema, streamId: uuidSchema }),
  async (ctx, { tenantId, streamId }) => {
    await removeStream(ctx, streamId);
    revalidatePath(`/t/${tenantId}/audit-streams`);
    return { ok: true };
  },
);
