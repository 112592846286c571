// The creator's money (docs/monetization.md, "Payouts"): earnings statements, payout balances
// and history, the tax form. Parsers and checks are pure (tested in payouts.test.ts); the
// fetchers go through accountApi's request with the session token.
import { request } from '../accountApi';

export interface StatementPayment {
  date: string;
  payment: string;
  product: string;
  gross: number;
  cut: number;
  fee: number;
  net: number;
  status: string;
}

export interface Statement {
  month: string;
  currency: string;
  totals: { gross: number; cut: number; fee: number; net: number; on_hold: number; refunded: number; paid_out: number };
  products: { product: string; count: number; gross: number; cut: number; fee: number; net: number }[];
  payments: StatementPayment[];
}

export interface Payout {
  n: number;
  amount: number;
  currency: string;
  status: 'pending' | 'paid' | 'failed' | string;
  requested_at_ms: number;
  paid_at_ms: number | null;
}

export interface PayoutStatus {
  available: number;
  on_hold: number;
  threshold: number;
  currency: string;
  tax_form_on_file: boolean;
  in_flight: boolean;
  payouts: Payout[];
}

export interface TaxFormStatus {
  on_file: boolean;
  form?: string;
  legal_name?: string;
  tin_last4?: string;
  country?: string;
  signed_at?: string;
}

export interface TaxFormInput {
  form: 'W-9' | 'W-8BEN';
  legal_name: string;
  tin: string;
  address: string;
  country: string;
  signature_name: string;
  signed_at: string;
}

const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** 470 -> "4.70 USD": amounts are integer minor units. */
export function formatMoney(minor: number, currency: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(minor));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`.trim();
}

/** The `count` months up to the one holding `nowMs` (UTC), newest first: "2026-12", "2026-11", … */
export function recentMonths(nowMs: number, count: number): string[] {
  const d = new Date(nowMs);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth() + 1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return out;
}

export function earningsCsvName(channel: string, month: string): string {
  return `${channel}-earnings-${month}.csv`;
}

export function earningsCsvUrl(channel: string, month: string): string {
  return `/api/v1/channels/${encodeURIComponent(channel)}/earnings.csv?month=${encodeURIComponent(month)}`;
}

export function parseStatement(v: unknown): Statement {
  const o = obj(v);
  const t = obj(o.totals);
  return {
    month: str(o.month),
    currency: str(o.currency),
    totals: { gross: num(t.gross), cut: num(t.cut), fee: num(t.fee), net: num(t.net), on_hold: num(t.on_hold), refunded: num(t.refunded), paid_out: num(t.paid_out) },
    products: list(o.products).map(obj).map((p) => ({ product: str(p.product), count: num(p.count), gross: num(p.gross), cut: num(p.cut), fee: num(p.fee), net: num(p.net) })),
    payments: list(o.payments)
      .map(obj)
      .map((p) => ({ date: str(p.date), payment: str(p.payment), product: str(p.product), gross: num(p.gross), cut: num(p.cut), fee: num(p.fee), net: num(p.net), status: str(p.status) })),
  };
}

export function parsePayoutStatus(v: unknown): PayoutStatus {
  const o = obj(v);
  return {
    available: num(o.available),
    on_hold: num(o.on_hold),
    threshold: num(o.threshold),
    currency: str(o.currency),
    tax_form_on_file: o.tax_form_on_file === true,
    in_flight: o.in_flight === true,
    payouts: list(o.payouts)
      .map(obj)
      .map((p) => ({
        n: num(p.n),
        amount: num(p.amount),
        currency: str(p.currency),
        status: str(p.status),
        requested_at_ms: num(p.requested_at_ms),
        paid_at_ms: typeof p.paid_at_ms === 'number' ? p.paid_at_ms : null,
      })),
  };
}

export function parseTaxFormStatus(v: unknown): TaxFormStatus {
  const o = obj(v);
  if (o.on_file !== true) return { on_file: false };
  return { on_file: true, form: str(o.form), legal_name: str(o.legal_name), tin_last4: str(o.tin_last4), country: str(o.country), signed_at: str(o.signed_at) };
}

/** Why the Request payout button is off, or null when a payout may be requested. */
export function payoutBlocked(s: PayoutStatus): string | null {
  if (s.in_flight) return 'A payout is on its way.';
  if (!s.tax_form_on_file) return 'File a tax form first.';
  if (s.available < s.threshold) return `Payouts start at ${formatMoney(s.threshold, s.currency)}.`;
  return null;
}

/** The first problem of a tax form as the server would see it, or null. The server stays the judge. */
export function checkTaxForm(f: TaxFormInput): { field: keyof TaxFormInput; error: string } | null {
  for (const k of ['legal_name', 'address', 'signature_name'] as const) if (f[k].trim() === '') return { field: k, error: 'Required.' };
  if (!/^[A-Z]{2}$/.test(f.country)) return { field: 'country', error: 'A two-letter country code, e.g. US.' };
  if (f.form === 'W-9') {
    if (f.country !== 'US') return { field: 'country', error: 'A W-9 is for US persons (country US).' };
    if (!/^\d{9}$/.test(f.tin.replace(/-/g, ''))) return { field: 'tin', error: 'An SSN or EIN: 9 digits.' };
  } else if (!/^[A-Za-z0-9 -]{1,30}$/.test(f.tin)) {
    return { field: 'tin', error: 'Your foreign tax id: letters, digits, - or spaces.' };
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.signed_at)) return { field: 'signed_at', error: 'A date YYYY-MM-DD.' };
  return null;
}

/** The body PUT tax-form takes: the TIN goes as `tin` on a W-9 and `foreign_tin` on a W-8BEN. */
export function taxFormBody(f: TaxFormInput): Record<string, string> {
  const { tin, ...rest } = f;
  return f.form === 'W-9' ? { ...rest, tin } : { ...rest, foreign_tin: tin };
}

const base = (channel: string) => `/api/v1/channels/${encodeURIComponent(channel)}`;

export async function fetchStatement(token: string, channel: string, month: string): Promise<Statement> {
  return parseStatement(await request('GET', `${base(channel)}/earnings?month=${encodeURIComponent(month)}`, { token }));
}
export async function fetchPayouts(token: string, channel: string): Promise<PayoutStatus> {
  return parsePayoutStatus(await request('GET', `${base(channel)}/payouts`, { token }));
}
export async function requestPayout(token: string, channel: string): Promise<void> {
  await request('POST', `${base(channel)}/payouts`, { token });
}
export async function fetchTaxForm(token: string, channel: string): Promise<TaxFormStatus> {
  return parseTaxFormStatus(await request('GET', `${base(channel)}/tax-form`, { token }));
}
export async function fileTaxForm(token: string, channel: string, f: TaxFormInput): Promise<TaxFormStatus> {
  return parseTaxFormStatus(await request('PUT', `${base(channel)}/tax-form`, { token, body: taxFormBody(f) }));
}

export interface RevenueRow {
  t: number;
  product: string;
  currency: string;
  amount: number;
}

/** The dashboard's `revenue` (GET analytics): rows by bucket and product, newest first, and totals
 *  per currency; null when the node has no revenue source. */
export function parseRevenue(v: unknown): { rows: RevenueRow[]; totals: { currency: string; amount: number }[] } | null {
  if (v === null || typeof v !== 'object') return null;
  const o = obj(v);
  const rows = list(o.by_product)
    .map(obj)
    .map((r) => ({ t: num(r.t), product: str(r.product) || 'other', currency: str(r.currency), amount: num(r.amount_minor) }))
    .sort((a, b) => b.t - a.t || a.product.localeCompare(b.product));
  const totals = list(o.totals)
    .map(obj)
    .map((r) => ({ currency: str(r.currency), amount: num(r.amount_minor) }));
  return { rows, totals };
}
