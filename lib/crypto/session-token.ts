import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits; the cookie carries the token, the database only its hash. */
export const newSessionToken = () => randomBytes(32).toString('base64url');

export const hashSessionToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
