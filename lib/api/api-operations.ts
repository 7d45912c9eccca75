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
} as const;
