// REST calls of tips (docs/api.md#tips): a tip or gift opens a checkout the viewer confirms on
// /pay/<cs>; the campaign and the settings are public reads.
import { request } from '../accountApi';
import { ApiError } from '../api';
import { isCheckoutUrl } from '../pay/payApi';
import { parseCampaign, type Campaign } from './model';

const base = (c: string) => `/api/v1/channels/${encodeURIComponent(c)}`;

export interface Checkout {
  checkout: string;
  url: string;
}

function parseCheckout(v: unknown): Checkout {
  const o = (v ?? {}) as Record<string, unknown>;
  if (typeof o.checkout !== 'string' || typeof o.url !== 'string' || !isCheckoutUrl(o.url))
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

export async function saveTipSettings(token: string, channel: string, s: TipSettings): Promise<void> {
  await request('PUT', `${base(channel)}/tips/settings`, {
    token,
    body: { min_amount: s.minAmount, tts_min: s.ttsMin, alerts: s.alerts, alert_duration_s: s.alertDurationS },
  });
}

export async function startCampaign(token: string, channel: string, body: { title: string; goal: number; ends_at_ms?: number }): Promise<Campaign | null> {
  return parseCampaign(await request('POST', `${base(channel)}/campaign`, { token, body }));
}

export async function endCampaign(token: string, channel: string): Promise<Campaign | null> {
  return parseCampaign(await request('DELETE', `${base(channel)}/campaign`, { token }));
}

/** A tip as the creator's list shows it. */
export interface TipRow {
  id: string;
  from: string;
  anonymous: boolean;
  amount: number;
  currency: string;
  message: string;
  messageShown: boolean;
  status: string;
  atMs: number;
}

export async function fetchTips(token: string, channel: string, limit = 50): Promise<TipRow[]> {
  const o = ((await request('GET', `${base(channel)}/tips?limit=${limit}`, { token })) ?? {}) as { tips?: unknown };
  if (!Array.isArray(o.tips)) return [];
  return o.tips.map((v) => {
    const t = (v ?? {}) as Record<string, unknown>;
    const s = (x: unknown) => (typeof x === 'string' ? x : '');
    return {
      id: s(t.id),
      from: s(t.from),
      anonymous: t.anonymous === true,
      amount: typeof t.amount === 'number' ? t.amount : 0,
      currency: s(t.currency) || 'USD',
      message: s(t.message),
      messageShown: t.message_shown !== false,
      status: s(t.status),
      atMs: typeof t.at_ms === 'number' ? t.at_ms : 0,
    };
  });
}

/** A gift bundle for another viewer (docs/api.md#tips): points, one of the channel's emotes, or a badge. */
export type GiftOrder =
  | { item: 'points'; to: string; points: number }
  | { item: 'emote'; to: string; code: string }
  | { item: 'badge'; to: string; badge: 'supporter' | 'heart' | 'star' };

export async function createGift(token: string, channel: string, order: GiftOrder): Promise<Checkout> {
  return parseCheckout(await request('POST', `${base(channel)}/gifts`, { token, body: order }));
}
