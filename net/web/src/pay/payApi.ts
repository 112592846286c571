// REST calls of the pay page (docs/api.md#payments): the checkout, paying it with a card, 3-D
// Secure, and the sandbox's test cards.
import { request } from '../accountApi';
import { ApiError } from '../api';

export interface CheckoutView {
  checkout: string;
  status: 'open' | 'requires_action' | 'complete' | 'expired';
  description: string;
  amount: number;
  currency: string;
  product: string;
  channel: string;
  returnPath: string;
  saveMethod: boolean;
  payment: string | null;
}

export interface PayResult {
  status: 'succeeded' | 'requires_action' | 'failed';
  code?: string;
  message?: string;
  payment?: string;
}

export interface TestCard {
  number: string;
  brand: string;
  outcome: string;
}

const base = (cs: string) => `/api/v1/payments/checkouts/${encodeURIComponent(cs)}`;
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);

export function parseCheckoutView(v: unknown): CheckoutView {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.checkout !== 'string' || typeof o.amount !== 'number')
    throw new ApiError(0, 'bad_response', 'not a checkout');
  const status = ['open', 'requires_action', 'complete', 'expired'].includes(str(o.status)) ? (o.status as CheckoutView['status']) : 'expired';
  const ret = str(o.return_path, '/');
  return {
    checkout: o.checkout,
    status,
    description: str(o.description),
    amount: o.amount,
    currency: str(o.currency, 'USD'),
    product: str(o.product),
    channel: str(o.channel),
    // Only a path on this site: never an address elsewhere.
    returnPath: ret.startsWith('/') && !ret.startsWith('//') ? ret : '/',
    saveMethod: o.save_method === true,
    payment: typeof o.payment === 'string' ? o.payment : null,
  };
}

export function parsePayResult(v: unknown): PayResult {
  const o = (v ?? {}) as Record<string, unknown>;
  const status = o.status === 'succeeded' || o.status === 'requires_action' ? o.status : 'failed';
  return {
    status,
    code: typeof o.code === 'string' ? o.code : undefined,
    message: typeof o.message === 'string' ? o.message : undefined,
    payment: typeof o.payment === 'string' ? o.payment : undefined,
  };
}

export async function fetchCheckout(token: string, cs: string): Promise<CheckoutView> {
  return parseCheckoutView(await request('GET', base(cs), { token }));
}

export async function payCheckout(
  token: string,
  cs: string,
  card: { number: string; month: number; year: number; cvc: string; save: boolean },
): Promise<PayResult> {
  const body = { card_number: card.number, exp_month: card.month, exp_year: card.year, cvc: card.cvc, save: card.save };
  return parsePayResult(await request('POST', `${base(cs)}/pay`, { token, body }));
}

export async function authenticateCheckout(token: string, cs: string, approve: boolean): Promise<PayResult> {
  return parsePayResult(await request('POST', `${base(cs)}/authenticate`, { token, body: { approve } }));
}

export async function fetchTestCards(): Promise<TestCard[]> {
  const o = ((await request('GET', '/api/v1/payments/test-cards')) ?? {}) as Record<string, unknown>;
  const cards = Array.isArray(o.cards) ? o.cards : [];
  return cards.map((c) => {
    const r = (c ?? {}) as Record<string, unknown>;
    return { number: str(r.number), brand: str(r.brand), outcome: str(r.outcome) };
  });
}

/**
 * Where a checkout answer may send the viewer: this node's pay page (a path, never `//host`) or,
 * with the Stripe provider, Stripe's hosted Checkout (https only).
 */
export function isCheckoutUrl(url: string): boolean {
  return (url.startsWith('/') && !url.startsWith('//')) || url.startsWith('https://');
}
