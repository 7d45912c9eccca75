import { z } from 'zod';
import { tallyBlastRadius, type SiteFigures, type TalliedEvent } from './tally-blast-radius';
import type { BundleLine, ExportedEvent } from './verify-bundle';

const count = z.number().int().nonnegative();
const instant = z.iso.datetime();

/** blast-radius.json as a bundle holds it: the report measured by the platform, site names as labels. */
export const blastRadiusReportSchema = z.object({
  filters: z.array(z.string()).min(1),
  throughSeq: z.number().int().nonnegative().nullable(),
  prunedBefore: instant.nullable(),
  sites: z.array(
    z.object({
      tenantId: z.string(),
      tenantName: z.string(),
      siteId: z.string().nullable(),
      siteName: z.string().nullable(),
      operators: z.array(z.string()),
      ordersExported: count,
      exportFiles: z.array(z.object({ sha256: z.string().nullable(), rows: count, customers: count, at: instant })),
      exportsUnaccounted: count,
      rowsSentBeforeAbort: count,
      membersRevealed: count,
      membersListed: count,
      ordersRevealed: count,
      ordersListed: count,
      paymentSecretsRevealed: count,
      settingsChanged: count,
      firstAt: instant,
      lastAt: instant,
    }),
  ),
});
export type BlastRadiusReport = z.infer<typeof blastRadiusReportSchema>;

/** Every figure the verifier recomputes, in the order it compares them. */
const FIGURES = [
  'operators',
  'ordersExported',
  'exportFiles',
  'exportsUnaccounted',
  'rowsSentBeforeAbort',
  'membersRevealed',
  'membersListed',
  'ordersRevealed',
  'ordersListed',
  'paymentSecretsRevealed',
  'settingsChanged',
  'firstAt',
  'lastAt',
] as const satisfies readonly (keyof SiteFigures)[];

/** `site`: the site appears on one side only (report or recomputed says whether it is there). */
export type BlastRadiusFigure = (typeof FIGURES)[number] | 'site';

export type BlastRadiusVerdict =
  | { ok: true; events: number; sites: number }
  | { ok: false; malformed: string }
  | {
      ok: false;
      tenantId: string;
      siteId: string | null;
      siteName: string | null;
      figure: BlastRadiusFigure;
      report: unknown;
      recomputed: unknown;
    };

const isFull = (line: BundleLine): line is ExportedEvent => typeof (line as ExportedEvent).action === 'string';

/**
 * Recomputes a bundle's blast-radius report from the events it holds in full and names the first
 * figure that differs, per tenant and site. Withheld events are outside the filters by
 * construction (the chain check shows none was left out), so the full events are all there is to
 * count; run it after verifyBundle has passed.
 */
export function verifyBlastRadius(lines: Iterable<BundleLine>, report: unknown): BlastRadiusVerdict {
  const parsed = blastRadiusReportSchema.safeParse(report);
  if (!parsed.success) return { ok: false, malformed: z.prettifyError(parsed.error) };
  let events = 0;
  const full = function* (): Generator<TalliedEvent> {
    for (const line of lines)
      if (isFull(line)) {
        events++;
        yield line;
      }
  };
  const key = (s: { tenantId: string; siteId: string | null }) => JSON.stringify([s.tenantId, s.siteId]);
  const recomputed = new Map(tallyBlastRadius(full()).map((s) => [key(s), s]));
  const reported = new Set<string>();
  for (const site of parsed.data.sites) {
    const where = { tenantId: site.tenantId, siteId: site.siteId, siteName: site.siteName };
    reported.add(key(site));
    const mine = recomputed.get(key(site));
    if (!mine) return { ok: false, ...where, figure: 'site', report: true, recomputed: false };
    for (const figure of FIGURES) {
      // The schema's parse and the tally both give an export file's keys in one order.
      if (JSON.stringify(site[figure]) !== JSON.stringify(mine[figure]))
        return { ok: false, ...where, figure, report: site[figure], recomputed: mine[figure] };
    }
  }
  for (const [k, s] of recomputed) {
    if (!reported.has(k))
      return {
        ok: false,
        tenantId: s.tenantId,
        siteId: s.siteId,
        siteName: null,
        figure: 'site',
        report: false,
        recomputed: true,
      };
  }
  return { ok: true, events, sites: recomputed.size };
}
