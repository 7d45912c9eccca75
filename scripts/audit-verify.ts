/**
 * `npm run audit:verify -- <bundle.tar> [--public-key key.pem]`: verifies an audit evidence bundle
 * offline (no server, no database). Exit 0 when intact; 1 naming the first damaged event, or the
 * first blast-radius figure that the events do not bear out.
 *
 * `npm run audit:verify -- --stream copy.jsonl [bundle.tar] [--public-key key.pem]`: verifies a
 * SIEM's copy of an audit stream (JSON Lines as received) as an unbroken chain under its signed
 * checkpoints; with a bundle exported later, also that the database's history still agrees with
 * what was streamed, naming the first event where it does not.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fingerprintOf } from '@/lib/audit/sign-chain-head';
import { readTar } from '@/lib/audit/tar';
import { verifyBlastRadius } from '@/lib/audit/verify-blast-radius';
import { sha256Hex, verifyBundle, type BundleLine } from '@/lib/audit/verify-bundle';
import { verifyStreamCopy } from '@/lib/audit/verify-stream-copy';

const USAGE =
  'usage: npm run audit:verify -- <bundle.tar> [--public-key key.pem]\n' +
  '       npm run audit:verify -- --stream copy.jsonl [bundle.tar] [--public-key key.pem]';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'public-key': { type: 'string' }, stream: { type: 'string' } },
});
const streamFile = values.stream;
if (positionals.length > 1 || (positionals.length === 0 && !streamFile)) {
  console.error(USAGE);
  process.exit(2);
}
const read = (file: string) => {
  try {
    return readFileSync(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    process.exit(2);
  }
};
let files = new Map<string, Buffer>();
if (positionals[0]) {
  try {
    files = readTar(read(positionals[0]));
  } catch (error) {
    console.error(`cannot read ${positionals[0]}: ${(error as Error).message}`);
    process.exit(2);
  }
}
const text = (name: string) => files.get(name)?.toString('utf8') ?? '';
const publicKey = values['public-key'] ? read(values['public-key']).toString('utf8') : text('public-key.pem');
if (!publicKey) {
  console.error('a stream copy alone needs --public-key: the audit signing key you received from the platform');
  process.exit(2);
}
if (!values['public-key'])
  console.warn(
    'note: using the public key inside the bundle; pass --public-key with the key you received separately to rule out a replaced key',
  );
const bundleOk = positionals[0] ? verifyBundleFile() : true;
const streamOk = streamFile ? verifyStream(read(streamFile).toString('utf8')) : true;
process.exit(bundleOk && streamOk ? 0 : 1);

/** The bundle on its own: its chain, and its blast radius where it carries one. */
function verifyBundleFile(): boolean {
  const manifest = JSON.parse(text('manifest.json') || '{}');
  console.log(
    `bundle: tenant ${manifest.tenantId}, ${manifest.events} events, ${manifest.checkpoints} checkpoints, key ${fingerprintOf(publicKey).slice(0, 16)}…`,
  );
  if (manifest.filter)
    console.log(`filter: ${manifest.filter} (times in UTC; the console showed them in ${manifest.timeZone})`);
  if (Array.isArray(manifest.filters))
    console.log(
      `filters (their events' union): ${manifest.filters.join(' ; ')} (times in UTC; the console showed them in ${manifest.timeZone})`,
    );
  for (const [file, hash] of [
    ['events.jsonl', manifest.eventsSha256],
    ['checkpoints.jsonl', manifest.checkpointsSha256],
    ['blast-radius.json', manifest.blastRadiusSha256],
  ] as const) {
    if (hash && hash !== sha256Hex(text(file))) console.warn(`note: ${file} differs from the manifest hash`);
  }
  const verdict = verifyBundle(text('events.jsonl'), text('checkpoints.jsonl'), publicKey);
  if (verdict.ok) {
    const held =
      verdict.withheld > 0
        ? ` (${verdict.events - verdict.withheld} in full, ${verdict.withheld} withheld by the filter, as digests)`
        : '';
    console.log(
      `OK: ${verdict.events} events${held}, seq 1..${verdict.lastSeq}, ${verdict.checkpoints} signed checkpoints, head ${verdict.headHash}`,
    );
    // Only once the chain holds: then the events counted are the ones the platform signed.
    return files.has('blast-radius.json') ? checkBlastRadius() : true;
  }
  console.error(
    `DAMAGED (${verdict.damage})${verdict.seq !== null ? ` at seq ${verdict.seq}` : ''}: ${verdict.message}`,
  );
  return false;
}

/** The stream copy, per chain it holds; against the bundle's events when one was given. */
function verifyStream(copy: string): boolean {
  const verdict = verifyStreamCopy(copy, publicKey, positionals[0] ? text('events.jsonl') : undefined);
  if (!verdict.ok) {
    const where = [verdict.tenantId && `chain ${verdict.tenantId}`, verdict.seq !== null && `seq ${verdict.seq}`]
      .filter(Boolean)
      .join(', ');
    console.error(
      `stream copy ${verdict.damage === 'rewritten' ? 'DISAGREES' : 'DAMAGED'} (${verdict.damage})${where ? ` at ${where}` : ''}: ${verdict.message}`,
    );
    return false;
  }
  for (const c of verdict.chains) {
    const signed =
      c.signedThrough === null
        ? 'no signed checkpoint falls within it yet'
        : `signed through seq ${c.signedThrough}${c.signedThrough < c.lastSeq ? ` (seq ${c.signedThrough + 1}..${c.lastSeq} not yet signed)` : ''}`;
    const repeats = c.duplicates > 0 ? `, ${c.duplicates} repeated by retries (same content)` : '';
    const compared = positionals[0] ? `; the bundle agrees on ${c.compared} of them` : '';
    console.log(
      `stream copy OK: chain ${c.tenantId}, seq ${c.firstSeq}..${c.lastSeq} (${c.events} events${repeats}), ${c.checkpoints} checkpoints, ${signed}${compared}`,
    );
  }
  if (verdict.ignored > 0)
    console.log(
      `(${verdict.ignored} lines that are not audit events or checkpoints, such as test lines, were skipped)`,
    );
  return true;
}

/** Recomputes blast-radius.json from the events held in full; true when every figure matches. */
function checkBlastRadius(): boolean {
  let report: unknown;
  try {
    report = JSON.parse(text('blast-radius.json'));
  } catch {
    console.error('blast radius: blast-radius.json is not valid JSON');
    return false;
  }
  const lines = function* (): Generator<BundleLine> {
    for (const line of text('events.jsonl').split('\n')) if (line) yield JSON.parse(line) as BundleLine;
  };
  const result = verifyBlastRadius(lines(), report);
  if (result.ok) {
    console.log(`blast radius: recomputed from ${result.events} events, every figure matches (${result.sites} sites)`);
    return true;
  }
  if ('malformed' in result) {
    console.error(`blast radius: blast-radius.json is malformed: ${result.malformed}`);
    return false;
  }
  const site = result.siteName ?? result.siteId ?? '(no site)';
  const show = (v: unknown) =>
    result.figure === 'site' ? (v ? 'present' : 'absent') : typeof v === 'number' ? String(v) : JSON.stringify(v);
  console.error(
    `blast radius DIFFERS at site ${site}: ${result.figure} report ${show(result.report)}, events ${show(result.recomputed)}`,
  );
  return false;
}
