// REST calls of tips (docs/api.md#tips): a tip or gift opens a checkout the viewer confirms on
// /pay/<cs>; the campaign and the settings are public reads.
import { request } from '../accountApi';
import { ApiError } from '../api';
import { parseCampaign, type Campaign } from './model';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;

export interface Checkout {
  checkout: string;
  url: string;
}

function parseCheckout(v: unknown): Checkout {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.checkout !== 'string' || typeof o.url !== 'string' || !o.url.startsWith('/'))
    throw new ApiError(0, 'bad_response', 'checkout missing in the answer');
  return { checkout: o.checkout, url: o.url };
}

export async function createTip(token: string, channel: string, body: { amount: number; message: string; anonymous: boolean }): Promise<Checkout> {
  return parseCheckout(await request('POST', `${base(channel)}/tips`, { token, body }));
}

export async function fetchCampaign(channel: string): Promise<Campaign | null> {
  return parseCampaign(await request('GET', `${base(channel)}/campaign`));
}

export interface TipSettings {
  minAmount: number;
  ttsMin: number;
  alerts: boolean;
  alertDurationS: number;
}

export async function fetchTipSettings(channel: string): Promise<TipSettings> {
  const o = ((await request('GET', `${base(channel)}/tips/settings`)) ?? {}) as Record<string, unknown>;
  const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return { minAmount: n(o.min_amount, 100), ttsMin: n(o.tts_min, 300), alerts: o.alerts !== false, alertDurationS: n(o.alert_duration_s, 8) };
}
