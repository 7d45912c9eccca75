import { AppError } from './app-error';
import { z } from './zod-messages';

/** Input parsed by its schema, or a 400 naming each refused field (never a 500 for bad input). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError('bad_request', z.flattenError(parsed.error).fieldErrors as Record<string, string[]>);
}
