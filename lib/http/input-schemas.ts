import { z } from './zod-messages';

/** Why an operator does something sensitive, as every form asks it. */
export const reasonSchema = z.string().trim().min(3).max(500);

export const uuidSchema = z.uuid();
