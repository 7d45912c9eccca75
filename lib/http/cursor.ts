import { z } from 'zod';

/** Opaque keyset cursors: the last row's sort value and id, base64url JSON. Junk decodes to null. */
export function encodeCursor(value: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

const shape = z.tuple([z.union([z.string().max(500), z.number(), z.null()]), z.uuid()]);

export function decodeCursor(cursor: string | null | undefined): { value: string | number | null; id: string } | null {
  if (!cursor || cursor.length > 1000) return null;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { value: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}
