import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll } from 'vitest';
import { appChainSource } from '@/lib/audit/app-chain-source';
import { AuditSigner } from '@/lib/audit/audit-signer';
import { setSignerLink } from '@/lib/audit/request-checkpoints';
import { signerKeyFrom } from '@/lib/audit/sign-chain-head';
import { now } from '@/lib/clock';

/**
 * An audit signer for a test file: its own key and state file, running in the test's process (the
 * separation of processes is the server's business; the signer's judgement is what tests need).
 */
export function setupTestSigner(): { signer: () => AuditSigner } {
  let signer: AuditSigner | undefined;
  beforeAll(() => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    signer = new AuditSigner(
      signerKeyFrom(pem),
      path.join(mkdtempSync(path.join(tmpdir(), 'mamori-signer-')), 'state.json'),
      now,
    );
    const source = appChainSource();
    setSignerLink({ sign: async (chains) => void (await signer!.signChains(source, chains)) });
  });
  return {
    signer: () => {
      if (!signer) throw new Error('signer not ready');
      return signer;
    },
  };
}
