import { AppError } from './app-error';
import { z } from './zod-messages';

/** Input parsed by its schema, or a 400 naming each refused field (never a 500 for bad input). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
  // A strict object's unknown keys are refused by name, like any other field.
  for (const issue of parsed.error.issues)
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) fields[key] = ['unknown'];
  throw new AppError('bad_request', fields);
}
