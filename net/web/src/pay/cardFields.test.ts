import { describe, expect, it } from 'vitest';
import { cardBrand, cardDigits, cardProblem, formatCardNumber, formatExpiry, luhnValid, parseExpiry } from './cardFields';
import { parseCheckoutView, parsePayResult } from './payApi';

const now = new Date(2026, 11, 4); // December 2026

describe('card fields', () => {
  it('formats the number in groups of four and keeps digits only', () => {
    expect(formatCardNumber('4242424242424242')).toBe('4242 4242 4242 4242');
    expect(formatCardNumber('4242-42')).toBe('4242 42');
    expect(cardDigits('4242 4242 4242 4242 1234')).toBe('4242424242424242123');
  });
  it('checks Luhn', () => {
    expect(luhnValid('4242424242424242')).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });
  it('formats and parses MM/YY', () => {
    expect(formatExpiry('1234')).toBe('12/34');
    expect(formatExpiry('12/3')).toBe('12/3');
    expect(parseExpiry('12/34')).toEqual({ month: 12, year: 2034 });
    expect(parseExpiry('1/2030')).toEqual({ month: 1, year: 2030 });
    expect(parseExpiry('13/30')).toBeNull();
    expect(parseExpiry('12')).toBeNull();
  });
  it('names the first problem of a form', () => {
    expect(cardProblem('4242 4242 4242 4242', '12/26', '123', now)).toBeNull();
    expect(cardProblem('4242 4242 4242 4241', '12/30', '123', now)).toMatch(/not valid/);
    expect(cardProblem('4242 4242 4242 4242', '11/26', '123', now)).toMatch(/expired/);
    expect(cardProblem('4242 4242 4242 4242', '1230', '123', now)).toMatch(/MM\/YY/);
    expect(cardProblem('4242 4242 4242 4242', '12/30', '12', now)).toMatch(/CVC/);
    expect(cardBrand('5555')).toBe('Mastercard');
  });
});

describe('pay answers', () => {
  it('keeps the return path on this site', () => {
    const v = parseCheckoutView({ checkout: 'cs_1', amount: 500, status: 'open', return_path: '//evil.example' });
    expect(v.returnPath).toBe('/');
    expect(parseCheckoutView({ checkout: 'cs_1', amount: 500, return_path: '/c/alice' }).returnPath).toBe('/c/alice');
  });
  it('reads a result', () => {
    expect(parsePayResult({ status: 'failed', code: 'card_declined', message: 'no' })).toEqual({ status: 'failed', code: 'card_declined', message: 'no', payment: undefined });
    expect(parsePayResult({ status: 'weird' }).status).toBe('failed');
  });
});
