import {
  createOperatorOp,
  disableOperatorOp,
  enableOperatorOp,
  endOperatorSessionsOp,
  forcePasswordChangeOp,
  getOperatorOp,
  listOperatorsOp,
  resetTotpOp,
  unlockOperatorOp,
  updateOperatorOp,
} from './operations/operators';
import {
  cancelRotationCampaignOp,
  extendRotationCampaignOp,
  getRotationCampaignOp,
  listRotationCampaignsOp,
  rotationReportOp,
  startRotationCampaignOp,
} from './operations/rotation-campaigns';
import { acknowledgeAlertOp, listAlertsOp } from './operations/alerts';
import { createTenantOp, listTenantsOp, reactivateTenantOp, suspendTenantOp } from './operations/tenants';
import { getIpAllowlistOp, replaceIpAllowlistOp } from './operations/ip-allowlist';
import {
  getPasswordPolicyOp,
  getTotpPolicyOp,
  replacePasswordPolicyOp,
  replaceTotpPolicyOp,
} from './operations/policies';

/** Every operation of the admin API, by the name its route imports: what the OpenAPI document describes. */
export const API_OPERATIONS = {
  listOperatorsOp,
  createOperatorOp,
  getOperatorOp,
  updateOperatorOp,
  disableOperatorOp,
  enableOperatorOp,
  unlockOperatorOp,
  forcePasswordChangeOp,
  resetTotpOp,
  endOperatorSessionsOp,
  getIpAllowlistOp,
  replaceIpAllowlistOp,
  getPasswordPolicyOp,
  replacePasswordPolicyOp,
  getTotpPolicyOp,
  replaceTotpPolicyOp,
  listRotationCampaignsOp,
  startRotationCampaignOp,
  getRotationCampaignOp,
  rotationReportOp,
  extendRotationCampaignOp,
  cancelRotationCampaignOp,
  listAlertsOp,
  acknowledgeAlertOp,
  listTenantsOp,
  createTenantOp,
  suspendTenantOp,
  reactivateTenantOp,
} as const;
