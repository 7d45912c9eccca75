import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import { canonicalJson } from './canonical';

/** What a checkpoint signs: a chain's head at a sequence number, linked to the previous checkpoint. */
export interface CheckpointBody {
  chain: string;
  seq: number;
  headHash: string;
  signedAt: string;
  previousCheckpointHash: string;
}

export const GENESIS_CHECKPOINT = '0'.repeat(64);

export const checkpointBytes = (c: CheckpointBody) => Buffer.from(canonicalJson({ v: 1, ...c }), 'utf8');

export const checkpointHash = (c: CheckpointBody) => createHash('sha256').update(checkpointBytes(c)).digest('hex');

export function signCheckpoint(c: CheckpointBody, privateKey: Parameters<typeof sign>[2]): string {
  return sign(null, checkpointBytes(c), privateKey).toString('base64');
}

export function verifyCheckpoint(c: CheckpointBody, signature: string, publicKeyPem: string): boolean {
  try {
    return verify(null, checkpointBytes(c), createPublicKey(publicKeyPem), Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
