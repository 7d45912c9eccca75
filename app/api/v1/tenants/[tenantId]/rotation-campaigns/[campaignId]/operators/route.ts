import { rotationReportOp } from '@/lib/api/operations/rotation-campaigns';
import { withApi } from '@/lib/auth/with-api';
import { AppError } from '@/lib/http/app-error';
import { listRotationReport } from '@/lib/passwords/list-rotation-report';

export const GET = withApi(rotationReportOp, async (token, { params, query }) => {
  const page = await listRotationReport(token, params.campaignId, query.after);
  if (!page) throw new AppError('not_found');
  return { body: page };
});
