import { expect } from 'vitest';
import { AppError } from '@/lib/http/app-error';

/** The AppError a promise is refused with, as its code and fields (fails the test on anything else). */
export async function refusal(p: Promise<unknown>) {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return { code: (error as AppError).code, fields: (error as AppError).fields };
}
