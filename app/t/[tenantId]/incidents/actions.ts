'use server';
import { revalidatePath } from 'next/cache';
import { withAction } from '@/lib/auth/with-action';
import { uuidSchema } from '@/lib/http/input-schemas';
import { z } from '@/lib/http/zod-messages';
import { addIncidentPivot, addIncidentPivotInput } from '@/lib/incidents/add-incident-pivot';
import { closeIncident, closeIncidentInput } from '@/lib/incidents/close-incident';
import { openIncident, openIncidentInput, incidentTitleSchema } from '@/lib/incidents/open-incident';

const inTenant = z.object({ tenantId: uuidSchema });

export const openIncidentAction = withAction(
  'app/t/[tenantId]/incidents/actions.ts openIncidentAction',
  inTenant.extend(openIncidentInput.shape),
  async (ctx, { tenantId, ...input }) => {
    const { id } = await openIncident(ctx, input);
    revalidatePath(`/t/${tenantId}/incidents`);
    return { ok: true, data: { id } };
  },
);

/** A pivot into an open incident, or into a new one opened with the title given. */
export const addIncidentPivotAction = withAction(
  'app/t/[tenantId]/incidents/actions.ts addIncidentPivotAction',
  inTenant.extend({
    // Not `incidentId`: that names the incident an action is taken for, which must exist and be open.
    into: z.union([uuidSchema, z.literal('new')]),
    title: z.preprocess((v) => (v === '' ? undefined : v), incidentTitleSchema.optional()),
    filter: addIncidentPivotInput.shape.filter,
  }),
  async (ctx, { tenantId, into, title, filter }) => {
    let id = into;
    if (id === 'new') {
      if (!title) return { ok: false, error: 'bad_request', fieldErrors: { title: ['required'] } };
      id = (await openIncident(ctx, { title })).id;
    }
    await addIncidentPivot(ctx, { incidentId: id, filter });
    revalidatePath(`/t/${tenantId}/incidents/${id}`);
    return { ok: true, data: { id } };
  },
);

export const closeIncidentAction = withAction(
  'app/t/[tenantId]/incidents/actions.ts closeIncidentAction',
  inTenant.extend(closeIncidentInput.shape),
  async (ctx, { tenantId, ...input }) => {
    await closeIncident(ctx, input);
    revalidatePath(`/t/${tenantId}/incidents/${input.incidentId}`);
    return { ok: true };
  },
);
