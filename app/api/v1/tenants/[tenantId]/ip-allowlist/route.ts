import { entriesText, getIpAllowlistOp, replaceIpAllowlistOp } from '@/lib/api/operations/ip-allowlist';
import { withApi } from '@/lib/auth/with-api';
import { getIpAllowlist } from '@/lib/allowlists/get-ip-allowlist';
import { previewIpAllowlist } from '@/lib/allowlists/preview-ip-allowlist';
import { saveIpAllowlist } from '@/lib/allowlists/save-ip-allowlist';

export const GET = withApi(getIpAllowlistOp, async (token) => {
  const list = await getIpAllowlist(token, null);
  return {
    body: {
      mode: list.mode,
      entries: list.entries.map((e) => ({
        cidr: e.cidr,
        label: e.label,
        createdBy: e.createdByLoginId,
        createdAt: e.createdAt.toISOString(),
      })),
      monitoredLast7Days: list.monitoredLast7Days,
    },
    etag: list.etag,
  };
});

export const PUT = withApi(replaceIpAllowlistOp, async (token, { query, body, ifMatch }) => {
  const input = { ...body, entries: entriesText(body.entries) };
  if (query.dryRun === 'true') {
    const preview = await previewIpAllowlist(token, input, { ifMatch });
    return { body: { dryRun: true as const, ...preview } };
  }
  const saved = await saveIpAllowlist(token, null, input, { ifMatch });
  return {
    body: { dryRun: false as const, count: saved.count, added: saved.added, removed: saved.removed },
    etag: saved.etag,
  };
});
