import { z } from './zod-messages';

/** Why an operator does something sensitive, as every form asks it. */
export const reasonSchema = z.string().trim().min(3).max(500);

/** The input of an action that takes nothing but its reason. */
export const reasonInput = z.object({ reason: reasonSchema });

export const uuidSchema = z.uuid();
