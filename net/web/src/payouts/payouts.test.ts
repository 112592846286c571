import { describe, expect, it } from 'vitest';
import { checkTaxForm, earningsCsvName, formatMoney, parsePayoutStatus, parseRevenue, parseStatement, parseTaxFormStatus, payoutBlocked, recentMonths, taxFormBody, type TaxFormInput } from './payoutsApi';

const w9: TaxFormInput = { form: 'W-9', legal_name: 'Jane Doe', tin: '123-45-6789', address: '1 Main St', country: 'US', signature_name: 'Jane Doe', signed_at: '2026-12-01' };

describe('payouts helpers', () => {
  it('formats minor units', () => {
    expect(formatMoney(470, 'USD')).toBe('4.70 USD');
    expect(formatMoney(5000, 'USD')).toBe('50.00 USD');
    expect(formatMoney(-5, 'EUR')).toBe('-0.05 EUR');
  });

  it('lists the months back from now across a year', () => {
    expect(recentMonths(Date.UTC(2026, 1, 10), 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(earningsCsvName('alice', '2026-02')).toBe('alice-earnings-2026-02.csv');
  });

  it('says why a payout cannot be requested', () => {
    const s = parsePayoutStatus({ available: 4999, on_hold: 10, threshold: 5000, currency: 'USD', tax_form_on_file: true, in_flight: false, payouts: [{ n: 1, amount: 6000, status: 'paid', requested_at_ms: 1, paid_at_ms: 2 }] });
    expect(payoutBlocked(s)).toBe('Payouts start at 50.00 USD.');
    expect(payoutBlocked({ ...s, available: 5000 })).toBeNull();
    expect(payoutBlocked({ ...s, available: 9000, tax_form_on_file: false })).toBe('File a tax form first.');
    expect(payoutBlocked({ ...s, in_flight: true })).toBe('A payout is on its way.');
    expect(s.payouts[0].paid_at_ms).toBe(2);
  });

  it('checks a tax form and sends the TIN under the right name', () => {
    expect(checkTaxForm(w9)).toBeNull();
    expect(checkTaxForm({ ...w9, tin: '12345' })?.field).toBe('tin');
    expect(checkTaxForm({ ...w9, country: 'DE' })?.field).toBe('country');
    expect(checkTaxForm({ ...w9, form: 'W-8BEN', country: 'DE', tin: 'DE-123' })).toBeNull();
    expect(taxFormBody(w9).tin).toBe('123-45-6789');
    const w8 = taxFormBody({ ...w9, form: 'W-8BEN', country: 'DE', tin: 'DE-123' });
    expect(w8.foreign_tin).toBe('DE-123');
    expect('tin' in w8).toBe(false);
  });

  it('parses statements, tax form status and revenue', () => {
    const st = parseStatement({ month: '2026-12', currency: 'USD', totals: { gross: 5500, net: 2470 }, products: [{ product: 'sub', net: 2000 }], payments: [{ payment: 'pay_a', gross: 5000, status: 'released' }] });
    expect(st.totals.net).toBe(2470);
    expect(st.totals.fee).toBe(0);
    expect(st.payments[0].payment).toBe('pay_a');
    expect(parseTaxFormStatus({ on_file: false })).toEqual({ on_file: false });
    expect(parseTaxFormStatus({ on_file: true, form: 'W-9', legal_name: 'J*** D**', tin_last4: '6789' }).tin_last4).toBe('6789');
    expect(parseRevenue(null)).toBeNull();
    const r = parseRevenue({ totals: [{ currency: 'USD', amount_minor: 2470 }], by_product: [{ t: 1, currency: 'USD', product: 'tip', amount_minor: 470 }, { t: 2, currency: 'USD', product: '', amount_minor: 2000 }] });
    expect(r?.rows.map((x) => x.product)).toEqual(['other', 'tip']);
    expect(r?.totals[0].amount).toBe(2470);
  });
});
