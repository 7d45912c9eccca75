import { z } from './zod-messages';

/** Why an operator does something sensitive, as every form asks it. */
export const reasonSchema = z.string().trim().min(3).max(500);

/** The input of an action that takes nothing but its reason. */
export const reasonInput = z.object({ reason: reasonSchema });

export const uuidSchema = z.uuid();

/** The ETag a form's page read (see lib/http/etag.ts): the save is refused if the state changed since. */
export const ifMatchInput = z.object({ ifMatch: z.string().max(100).optional() });
