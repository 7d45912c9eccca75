import { describe, expect, it } from 'vitest';
import { orderedColumns, piiKinds } from './order-export-columns';

describe('order export columns', () => {
  it('keeps file order and drops repeats and unknown names', () => {
    expect(orderedColumns(['amount', 'order_no', 'amount', 'nope']).map((c) => c.key)).toEqual(['order_no', 'amount']);
  });

  it('names the personal data the chosen columns carry', () => {
    expect(piiKinds(['order_no', 'amount', 'tracking_no'])).toEqual([]);
    expect(piiKinds(['ship_phone', 'customer_name', 'customer_address', 'customer_email'])).toEqual([
      'names',
      'addresses',
      'phones',
      'emails',
    ]);
  });
});
