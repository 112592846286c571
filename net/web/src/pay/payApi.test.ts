import { describe, expect, it } from 'vitest';
import { isCheckoutUrl } from './payApi';

describe('isCheckoutUrl', () => {
  it('takes this node’s pay page and Stripe’s hosted checkout', () => {
    expect(isCheckoutUrl('/pay/cs_1')).toBe(true);
    expect(isCheckoutUrl('https://checkout.stripe.com/c/pay/cs_test_1')).toBe(true);
  });
  it('refuses other origins by scheme-relative, plain http or script URLs', () => {
    expect(isCheckoutUrl('//evil.example/pay')).toBe(false);
    expect(isCheckoutUrl('http://checkout.stripe.com/x')).toBe(false);
    expect(isCheckoutUrl('javascript:alert(1)')).toBe(false);
    expect(isCheckoutUrl('')).toBe(false);
  });
});
