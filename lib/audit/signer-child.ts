import 'server-only';
import { fork, type ChildProcess } from 'node:child_process';
import type { ChainSource, SigningRound } from './audit-signer';
import { appChainSource } from './app-chain-source';
import { setSignerLink } from './request-checkpoints';
import { logger } from '@/lib/observability/logger';

type FromSigner =
  | { type: 'call'; id: number; op: keyof ChainSource; args: unknown[] }
  | { type: 'signed'; id: number; round: SigningRound }
  | { type: 'failed'; id: number; message: string };

const SIGN_TIMEOUT_MS = 30_000;

/**
 * Starts the audit signer as a child process (development, and always on embedded PGlite) with
 * the signing key in its environment, not this one's. On PGlite the child cannot open the
 * database, so this process serves its reads and files what it signs (`mode: ipc`); on PostgreSQL
 * it reads with its own role and listens for requests itself (`mode: postgres`).
 */
export function startSignerChild(mode: 'ipc' | 'postgres'): ChildProcess {
  const env = { ...process.env, MAMORI_SIGNER_MODE: mode };
  // The web process keeps no copy of the key once the signer has it.
  delete process.env.MAMORI_AUDIT_SIGNING_KEY;
  const child = fork('scripts/run.mjs', ['scripts/audit-signer.ts'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      logger().error(
        { exit: signal ?? code },
        'the audit signer stopped: checkpoints are not signed until it is started again',
      );
    setSignerLink(undefined);
  });
  if (mode === 'postgres') return child;

  const source = appChainSource();
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  let next = 1;
  child.on('message', (message: FromSigner) => {
    if (message.type === 'call') {
      const call = source[message.op] as (...args: unknown[]) => Promise<unknown>;
      call(...message.args).then(
        (value) => child.send({ type: 'result', id: message.id, value }),
        (error: Error) => child.send({ type: 'error', id: message.id, message: error.message }),
      );
    } else {
      const w = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.type === 'signed') w?.resolve();
      else w?.reject(new Error(message.message));
    }
  });
  setSignerLink({
    sign: (chains) =>
      new Promise<void>((resolve, reject) => {
        const id = next++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          logger().warn('the audit signer did not answer within 30 s');
          resolve();
        }, SIGN_TIMEOUT_MS);
        waiting.set(id, {
          resolve: () => (clearTimeout(timer), resolve()),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        child.send({ type: 'sign', id, chains });
      }),
  });
  return child;
}
