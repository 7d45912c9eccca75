import os from 'node:os';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { openDatabaseKind } from '@/db';
import { createSlots } from './hash-slots';

// OWASP's minimum for argon2id (m=19 MiB, t=2, p=1).
// Algorithm.Argon2id is an ambient const enum; its value is 2.
const PARAMS = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Unicode passwords are NFKC-normalised first so the same typed password always verifies. */
export const normalizePassword = (password: string) => password.normalize('NFKC');

/**
 * How many hashes run at once: one per core, whatever the number of logins in flight, and always
 * one of libuv's `threads` left for file and DNS work. With the embedded database one more: its
 * queries run on the main thread, where a finished hash's successor waits to be started while a
 * query runs, and the extra hash keeps that core busy meanwhile (measured in P1, paired runs:
 * +0.04 to +0.06 in the ratio on PGlite; on PostgreSQL, whose queries run elsewhere, nothing).
 */
export function hashConcurrency(cores: number, threads: number, database: 'pglite' | 'postgres' | undefined): number {
  return Math.max(1, Math.min(cores + (database === 'pglite' ? 1 : 0), threads - 1));
}

// libuv's pool has 4 threads unless UV_THREADPOOL_SIZE says otherwise.
const threads = Number(process.env.UV_THREADPOOL_SIZE) || 4;
const cores = os.availableParallelism();
const inSlot = createSlots(() => hashConcurrency(cores, threads, openDatabaseKind()));

export function hashPassword(password: string): Promise<string> {
  return inSlot(() => hash(normalizePassword(password), PARAMS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await inSlot(() => verify(passwordHash, normalizePassword(password)));
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same work as a real verification, for login IDs that do not exist, so response
 * time does not tell an attacker which IDs are real.
 */
export async function verifyDummy(password: string): Promise<false> {
  dummy ??= hashPassword('mamori-dummy-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}
